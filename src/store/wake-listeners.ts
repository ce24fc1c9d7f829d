/** In-process wake-ups: a listener that throws must not stop the others (or the append path). */
export class WakeListeners {
  private readonly listeners = new Set<() => void>();

  add(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(): void {
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // A listener's own bug; the worker still polls.
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
