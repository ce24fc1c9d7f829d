import type { ServerResponse } from 'node:http';
import type { Store } from '../store/types.js';
import { sendJson } from './send.js';

/** GET /readyz: 200 when the store answers and its schema matches this build, else 503. */
export async function handleReady(res: ServerResponse, store: Store): Promise<void> {
  try {
    await store.ping();
    const schema = await store.checkSchema();
    if (!schema.ok) {
      return sendJson(res, 503, { status: 'not_ready', problems: schema.problems });
    }
    return sendJson(res, 200, { status: 'ready' });
  } catch (error) {
    return sendJson(res, 503, {
      status: 'not_ready',
      problems: [`store unreachable: ${(error as Error).message}`],
    });
  }
}
