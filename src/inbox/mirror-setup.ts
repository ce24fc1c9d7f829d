import { createMirrorHandler, mirrorMigrations, type MirrorFamily } from '../mirror/index.js';
import type { MigrationSet } from '../store/types.js';
import type { HandlerSource } from '../worker/handler-source.js';
import { chainHandlerSources } from './handler-registry.js';

/** The directory mirror as the inbox wires it: its tables and its built-in handlers. */
export interface MirrorSetup {
  migrationSets: readonly MigrationSet[];
  /** The worker's handler source: mirror handlers first, then the user's, in one transaction. */
  chain(user: HandlerSource): HandlerSource;
}

/** `true`: every family; a list: those families (unknown names throw); `false`: no mirror. */
export function resolveMirror(option: boolean | readonly string[]): MirrorSetup {
  if (option === false) return { migrationSets: [], chain: (user) => user };
  const source = createMirrorHandler(
    option === true ? {} : { families: option as readonly MirrorFamily[] },
  );
  return {
    migrationSets: [mirrorMigrations],
    chain: (user) => chainHandlerSources(source, user),
  };
}
