// Runs docs/inbox.md's Next.js inbox module as `next dev` does: evaluated again after an edit.
// Under `next dev` a module-level createInbox made a new inbox per edit (connections and worker
// rows piled up, and the old versions' workers claimed the events of the new handlers).
import Database from 'better-sqlite3';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { defaults, type Inbox } from '../../src/index.js';
import { generateTestWebhook } from '../../src/testing/index.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { until } from '../helpers/until.js';

const secret = 'whsec_docs_next';
const temp = createTempSqlitePath();
const shared = globalThis as { workosInbox?: Promise<Inbox> };

/** The module, evaluated afresh (a new module registry), as `next dev` does after an edit. */
async function evaluate() {
  vi.resetModules();
  return import('./examples/next-inbox.js');
}

function workerRows(): number {
  const db = new Database(temp.path, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM workos_inbox_workers').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

let seed = 300;
function webhook(): Request {
  const { body, headers } = generateTestWebhook({
    secret,
    event: 'dsync.group.created',
    seed: seed++,
  });
  return new Request('https://app.example/webhooks/workos', { method: 'POST', body, headers });
}
async function deliver(post: (request: Request) => Promise<Response>): Promise<number> {
  return (await post(webhook())).status;
}

afterEach(() => vi.unstubAllEnvs());
afterAll(async () => {
  await (await shared.workosInbox)?.close();
  delete shared.workosInbox;
  temp.cleanup();
});

describe('docs/inbox.md Next.js: one inbox per server process', () => {
  it('opens at the first request, reuses it, and after an edit (next dev) closes the old one', async () => {
    vi.stubEnv('DATABASE_URL', temp.path);
    vi.stubEnv('WORKOS_WEBHOOK_SECRET', secret);
    vi.stubEnv('NODE_ENV', 'development');
    vi.spyOn(console, 'log').mockImplementation(() => {});

    const first = await evaluate();
    // Loading the module (as `next build` does) opens nothing.
    expect(shared.workosInbox).toBeUndefined();
    expect(await deliver(first.POST)).toBe(200);
    const a = await first.getInbox();
    expect(await deliver(first.POST)).toBe(200);
    expect(await first.getInbox()).toBe(a);
    expect(workerRows()).toBe(1);

    const second = await evaluate();
    expect(await deliver(second.POST)).toBe(200);
    const b = await second.getInbox();
    expect(b).not.toBe(a);
    // The old version's inbox is closed: it answers 503, and its worker row is gone.
    await until(async () => (await deliver(a.fetch)) === 503, 'the old inbox to close');
    await until(() => workerRows() === 1, 'one worker row');
  });

  it('a production server evaluates it once, and a second evaluation keeps the open inbox', async () => {
    vi.stubEnv('DATABASE_URL', temp.path);
    vi.stubEnv('WORKOS_WEBHOOK_SECRET', secret);
    vi.stubEnv('NODE_ENV', 'production');
    const open = await shared.workosInbox;
    const again = await evaluate();
    expect(await again.getInbox()).toBe(open);
    expect(await deliver(again.POST)).toBe(200);
  });

  it('a database that cannot be opened at the first request is tried again at the next one', async () => {
    // Another server's inbox, left by the tests above: this one starts as a fresh server.
    await (await shared.workosInbox)?.close();
    delete shared.workosInbox;
    // A file where the database's folder should be: SQLite cannot open it until it is removed.
    const blocker = join(temp.dir, 'not-yet');
    writeFileSync(blocker, '');
    vi.stubEnv('DATABASE_URL', join(blocker, 'inbox.db'));
    vi.stubEnv('WORKOS_WEBHOOK_SECRET', secret);
    vi.stubEnv('NODE_ENV', 'production');
    const route = await evaluate();

    // Each request answers as the inbox answers while it cannot store: 503, the one error body,
    // and when to retry (the route threw, and Next.js answered 500 with an empty body), and logs
    // the reason.
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    for (let i = 0; i < 2; i++) {
      const answer = await route.POST(webhook());
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBe(String(defaults.retryAfterSeconds.value));
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await answer.json()).toEqual({
        error: 'store_unavailable',
        code: 'store_unavailable',
        message: 'The event could not be stored; retry later.',
      });
    }
    expect(logged).toHaveBeenCalledTimes(2);
    expect(String(logged.mock.calls[0]?.[0])).toContain(blocker);

    rmSync(blocker);
    // Once the database can be opened, the next request opens it: not the failure kept for good.
    expect(await deliver(route.POST)).toBe(200);
    expect(await deliver(route.POST)).toBe(200);
  });
});
