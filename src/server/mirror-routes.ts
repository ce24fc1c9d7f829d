import type { Store } from '../store/types.js';
import type { MirrorHandler } from './request-handler.js';

/** The mirror's WorkOS-compatible read API, behind the admin token. */
export function createMirrorHandler(_store: Store): MirrorHandler | undefined {
  // Wired to the mirror area's handleMirrorRequest once it lands.
  return undefined;
}
