import type { Event, EventName } from '../events/index.js';
import type { EventHandler, HandlerSource } from '../worker/handler-source.js';

/** The event type a handler of `name` receives (the SDK's deserialized shape). */
export type EventOf<N extends EventName> =
  Extract<Event, { event: N }> extends never ? Event : Extract<Event, { event: N }>;

/**
 * The name that means every event: `inbox.on('*', fn)` is `inbox.onAny(fn)`, as the key `'*'` of
 * a `serve --handlers` module is.
 */
export const anyEventName = '*';

/** Handlers by event name, plus catch-all handlers. Run order: name handlers, then catch-alls, each in registration order. */
export class HandlerRegistry implements HandlerSource {
  readonly #byName = new Map<string, EventHandler[]>();
  readonly #any: EventHandler[] = [];
  readonly #cache = new Map<string, readonly EventHandler[]>();

  on<N extends EventName>(name: N, handler: EventHandler<EventOf<N>>): () => void {
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError('inbox.on(name, handler): name must be a non-empty event name');
    }
    if (typeof handler !== 'function') {
      throw new TypeError(`inbox.on(${JSON.stringify(name)}, handler): handler must be a function`);
    }
    if (name === anyEventName) return this.onAny(handler as EventHandler<Event>);
    const list = this.#byName.get(name) ?? [];
    list.push(handler as EventHandler);
    this.#byName.set(name, list);
    this.#cache.clear();
    return () => this.#remove(list, handler as EventHandler);
  }

  onAny(handler: EventHandler<Event>): () => void {
    if (typeof handler !== 'function') {
      throw new TypeError('inbox.onAny(handler): handler must be a function');
    }
    this.#any.push(handler as EventHandler);
    this.#cache.clear();
    return () => this.#remove(this.#any, handler as EventHandler);
  }

  isEmpty(): boolean {
    if (this.#any.length > 0) return false;
    // `off()` leaves a name's list in place, empty.
    for (const list of this.#byName.values()) if (list.length > 0) return false;
    return true;
  }

  describe(): readonly string[] {
    const names = [...this.#byName].filter(([, list]) => list.length > 0).map(([name]) => name);
    return this.#any.length > 0 ? [...names, anyEventName] : names;
  }

  handlersFor(eventName: string): readonly EventHandler[] {
    let list = this.#cache.get(eventName);
    if (!list) {
      list = [...(this.#byName.get(eventName) ?? []), ...this.#any];
      this.#cache.set(eventName, list);
    }
    return list;
  }

  #remove(list: EventHandler[], handler: EventHandler): void {
    const i = list.indexOf(handler);
    if (i >= 0) list.splice(i, 1);
    this.#cache.clear();
  }
}

/** Run `first`'s handlers before `second`'s (built-in mirror handlers before the user's). */
export function chainHandlerSources(first: HandlerSource, second: HandlerSource): HandlerSource {
  const batching = first.batching;
  return {
    describe: () => [...(first.describe?.() ?? []), ...(second.describe?.() ?? [])],
    // The first source's writes are collected; every handler of the second runs per event.
    ...(batching
      ? {
          batching: {
            key: (wire) => batching.key(wire),
            open: () => batching.open(),
            perEvent: (name) => {
              const a = batching.perEvent(name);
              const b = second.handlersFor(name);
              return a.length === 0 ? b : b.length === 0 ? a : [...a, ...b];
            },
            onlyCollects: () =>
              (batching.onlyCollects?.() ?? false) && (second.isEmpty?.() ?? false),
          },
        }
      : {}),
    handlersFor: (name) => {
      const a = first.handlersFor(name);
      const b = second.handlersFor(name);
      if (a.length === 0) return b;
      if (b.length === 0) return a;
      return [...a, ...b];
    },
  };
}
