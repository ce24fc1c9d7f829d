import type { ServerResponse } from 'node:http';
import type { Store } from '../store/types.js';
import { timedOut, within } from '../within.js';
import { scrapeReadTimeoutMs } from './scrape-read.js';
import { sendJson } from './send.js';

/**
 * GET /readyz: 200 when the store answers and its schema matches this build, else 503. A database
 * that does not answer within {@link scrapeReadTimeoutMs} is not ready either: a frozen server
 * kept the probe waiting with no answer at all.
 */
export async function handleReady(res: ServerResponse, store: Store): Promise<void> {
  try {
    const schema = await within(
      store.ping().then(() => store.checkSchema()),
      scrapeReadTimeoutMs,
    );
    if (schema === timedOut) {
      return sendJson(res, 503, {
        status: 'not_ready',
        problems: [`the database did not answer within ${scrapeReadTimeoutMs / 1000} s`],
      });
    }
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
