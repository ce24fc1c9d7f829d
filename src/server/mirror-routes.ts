import { handleMirrorRequest } from '../mirror/http/handle-mirror-request.js';
import type { MirrorSource } from '../mirror/read/create-mirror.js';
import type { MirrorHandler } from './request-handler.js';

/** The mirror's WorkOS-compatible read API (the caller checks the admin token first). */
export function createMirrorHandler(source: MirrorSource): MirrorHandler {
  return async (request) => (await handleMirrorRequest(source, request)) ?? undefined;
}
