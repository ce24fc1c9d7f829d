import { WorkosInboxError } from '../errors/workos-inbox-error.js';
import type { WireEvent } from '../events/index.js';
import type { SqlExecutor } from '../store/sql-executor.js';
import { applyMirrorEvent, collectMirrorEvent, directoryOf } from './apply/apply-mirror-event.js';
import { MirrorWrites } from './apply/mirror-writes.js';
import type { MirrorFamily } from './apply/families.js';
import { mirrorEventsByFamily, mirrorFamilies, mirrorFamilyOf } from './apply/families.js';

/** Options of {@link createMirrorHandler}. */
export interface MirrorHandlerOptions {
  /** Maintain only these families. @defaultValue every family in `mirrorFamilies` */
  families?: readonly MirrorFamily[];
}

/** What the worker passes a handler: the transaction and the event as sent. */
export interface MirrorHandlerContext {
  tx: SqlExecutor;
  wire: WireEvent;
}

/** A built-in handler, run inside the worker's transaction (writes commit with the event's status). */
export type MirrorEventHandler = (event: unknown, context: MirrorHandlerContext) => Promise<void>;

/** The mirror as a handler source for the worker (`handlersFor(name)`, like the inbox's registry). */
export interface MirrorHandlerSource {
  readonly families: readonly MirrorFamily[];
  /** Every event name the mirror applies with these families. */
  readonly events: readonly string[];
  /** `(directory mirror)`: what workers compare (`HandlerSource.describe`). */
  describe(): readonly string[];
  handlersFor(eventName: string): readonly MirrorEventHandler[];
  /**
   * The same handlers for several events per transaction (the worker's `HandlerSource.batching`):
   * writes collected per event and applied with one statement per kind of write, grouped by
   * directory.
   */
  readonly batching: {
    key(wire: WireEvent): string;
    open(): { add(wire: WireEvent): void; flush(tx: SqlExecutor): Promise<void> };
    perEvent(eventName: string): readonly MirrorEventHandler[];
    onlyCollects(): boolean;
  };
}

/** Thrown for a family name the mirror does not know. */
export class UnknownMirrorFamilyError extends WorkosInboxError {
  override readonly name = 'UnknownMirrorFamilyError';
  readonly code = 'unknown_mirror_family';
}

/**
 * The mirror's built-in handlers. The worker runs them in the event's transaction, so each
 * event's effect on the mirror is applied exactly once.
 */
export function createMirrorHandler(options: MirrorHandlerOptions = {}): MirrorHandlerSource {
  const families = options.families ?? mirrorFamilies;
  for (const family of families) {
    if (!(mirrorFamilies as readonly string[]).includes(family)) {
      throw new UnknownMirrorFamilyError(
        `unknown mirror family ${JSON.stringify(family)}; known: ${mirrorFamilies.join(', ')}`,
      );
    }
  }
  const enabled = new Set<MirrorFamily>(families);
  const handler: MirrorEventHandler = async (_event, { tx, wire }) => {
    await applyMirrorEvent(tx, wire, enabled);
  };
  const one = [handler] as const;
  return {
    families: [...enabled],
    events: [...enabled].flatMap((f) => mirrorEventsByFamily[f]),
    describe: () => ['(directory mirror)'],
    handlersFor(eventName) {
      const family = mirrorFamilyOf(eventName);
      return family && enabled.has(family) ? one : [];
    },
    batching: {
      key(wire) {
        if (mirrorFamilyOf(wire.event) !== 'dsync' || !enabled.has('dsync')) return '';
        const data = wire.data as Record<string, unknown> | null;
        return typeof data === 'object' && data !== null
          ? `dsync ${directoryOf(wire.event, data)}`
          : '';
      },
      open() {
        const writes = new MirrorWrites();
        return {
          add: (wire) => void collectMirrorEvent(writes, wire, enabled),
          flush: (tx) => writes.flush(tx),
        };
      },
      perEvent: () => [],
      onlyCollects: () => true,
    },
  };
}
