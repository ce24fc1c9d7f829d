/**
 * The times (ms) at which retries come due, earliest first: a binary min-heap, so that recording
 * one and taking those come due cost O(log n) each, however many retries a mass failure records
 * (a sorted array paid O(n) per insertion).
 */
export class DueTimes {
  private readonly heap: number[] = [];

  get size(): number {
    return this.heap.length;
  }

  /** The earliest time recorded, or undefined when none is. */
  earliest(): number | undefined {
    return this.heap[0];
  }

  add(at: number): void {
    const heap = this.heap;
    heap.push(at);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      if (heap[parent]! <= at) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = at;
  }

  /** Remove every time at or before `now`: how many there were. */
  takeDue(now: number): number {
    let taken = 0;
    while (this.heap.length > 0 && this.heap[0]! <= now) {
      this.removeEarliest();
      taken++;
    }
    return taken;
  }

  clear(): void {
    this.heap.length = 0;
  }

  private removeEarliest(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]! < heap[left]! ? right : left;
      if (heap[child]! >= last) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
  }
}
