import type { MigrationSet } from '../store/types.js';
import type { HandlerSource } from '../worker/handler-source.js';

/** The directory mirror as the inbox wires it: its tables and its built-in handlers. */
export interface MirrorSetup {
  migrationSets: readonly MigrationSet[];
  /** The worker's handler source: mirror handlers first, then the user's. */
  chain(user: HandlerSource): HandlerSource;
}

// Placeholder until the mirror area exports its handlers: no tables, user handlers only.
export function resolveMirror(_option: boolean | readonly string[]): MirrorSetup {
  return { migrationSets: [], chain: (user) => user };
}
