// Runs docs/inbox.md's adapter snippets, the testing helpers' snippets and docs/store.md's
// snippets (test/docs/examples/*) over real HTTP and real databases.
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Inbox } from '../../src/index.js';
import { generateTestWebhook } from '../../src/testing/index.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { repoRoot } from './doc-blocks.js';

const secret = 'whsec_docs_adapters';
const temp = createTempSqlitePath();
let inbox: Inbox;
let nodeUrl: string;

beforeAll(async () => {
  vi.stubEnv('DATABASE_URL', temp.path);
  vi.stubEnv('WORKOS_WEBHOOK_SECRET', secret);
  ({ inbox } = await import('./examples/inbox-for-adapter.js'));
  const { server } = await import('./examples/node-http.js');
  await new Promise((resolve) =>
    server.listening ? resolve(null) : server.once('listening', resolve),
  );
  nodeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/workos`;
  afterAll(() => new Promise((resolve) => server.close(resolve)));
});
afterAll(async () => {
  await inbox?.close();
  vi.unstubAllEnvs();
  temp.cleanup();
});

/** POST a fresh signed event; the answer's status, and whether the inbox stored it. */
let seed = 100;
async function deliver(send: (init: RequestInit) => Promise<Response>, signWith = secret) {
  const delivery = generateTestWebhook({
    secret: signWith,
    event: 'dsync.group.created',
    seed: seed++,
  });
  const res = await send({ method: 'POST', body: delivery.body, headers: delivery.headers });
  return { status: res.status, stored: (await inbox.store.get(delivery.payload.id)) !== undefined };
}
const over = (url: string) => (init: RequestInit) => fetch(url, init);

describe('docs/inbox.md adapters', () => {
  it('node:http: http.createServer(inbox.node())', async () => {
    expect(await deliver(over(nodeUrl))).toEqual({ status: 200, stored: true });
    expect(await deliver(over(nodeUrl), 'whsec_wrong')).toEqual({ status: 401, stored: false });
  });

  it('Express with express.json({ verify: captureRawBody }): the inbox verifies, other routes get JSON', async () => {
    const { app } = await import('./examples/express-raw-body.js');
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await deliver(over(`${base}/webhooks/workos`))).toEqual({ status: 200, stored: true });
      const echo = await fetch(`${base}/echo`, {
        method: 'POST',
        body: '{"a":1}',
        headers: { 'content-type': 'application/json' },
      });
      expect(await echo.json()).toEqual({ a: 1 });
      // Up to the inbox's 1 MiB, not Express's 100 KB default: the example gives the parser `limit`.
      const big = generateTestWebhook({
        secret,
        payload: {
          id: 'event_docs_big',
          event: 'dsync.user.updated',
          created_at: new Date().toISOString(),
          data: { id: 'directory_user_big', padding: 'x'.repeat(900 * 1024) },
        },
      });
      const answer = await fetch(`${base}/webhooks/workos`, {
        method: 'POST',
        body: big.body,
        headers: big.headers,
      });
      expect(answer.status).toBe(200);
      expect(await inbox.store.get('event_docs_big')).toBeDefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('Next.js: next.config.mjs leaves the package itself to Node', async () => {
    // A JavaScript file, as users write next.config.mjs: imported by a path tsc does not type.
    const example = './examples/next-config.mjs';
    const { default: config } = (await import(example)) as {
      default: { serverExternalPackages: string[] };
    };
    const { name } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      name: string;
    };
    expect(config.serverExternalPackages).toEqual([name]);
  });

  it('Fastify: app.register(inbox.fastify, { path })', async () => {
    const { app } = await import('./examples/fastify-plugin.js');
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      expect(await deliver(over(`${address}/webhooks/workos`))).toEqual({
        status: 200,
        stored: true,
      });
      expect(await deliver(over(`${address}/webhooks/workos`), 'whsec_wrong')).toEqual({
        status: 401,
        stored: false,
      });
    } finally {
      await app.close();
    }
  });

  it('Hono and a Next.js route handler: inbox.fetch', async () => {
    const { app, POST } = await import('./examples/fetch-handlers.js');
    const url = 'https://app.example/webhooks/workos';
    expect(await deliver(async (init) => app.fetch(new Request(url, init)))).toEqual({
      status: 200,
      stored: true,
    });
    expect(await deliver((init) => POST(new Request(url, init)))).toEqual({
      status: 200,
      stored: true,
    });
  });
});

describe('testing helpers', () => {
  it('README: generateTestWebhook delivers to your endpoint; sampleEvent takes overrides', async () => {
    vi.stubEnv('WEBHOOK_URL', nodeUrl);
    const { body, response, wire } = await import('./examples/testing-helpers.js');
    expect(response.status).toBe(200);
    expect(await inbox.store.get(JSON.parse(body).id)).toBeDefined();
    expect(wire.event).toBe('dsync.group.user_added');
    expect(wire.data.group.name).toBe('Admins');
  });

  it('docs/events.md: sampleEvent overrides, a delivery to 127.0.0.1:3000, the SDK-style check', async () => {
    vi.stubEnv('INBOX_URL', nodeUrl.replace('/webhooks/workos', '/'));
    const { event, payload, verified } = await import('./examples/testing-samples.js');
    expect(event.data.email).toBe('ada@example.com');
    expect('custom_attributes' in event.data).toBe(false);
    expect(await inbox.store.get(payload.id)).toBeDefined();
    expect(verified.id).toBe(payload.id);
    expect(verified.event).toBe('user.created');
  });
});

describe('docs/store.md', () => {
  it('openMigratedStore({ database: "./data/inbox.db" }) creates the folder and the schema', async () => {
    const folder = createTempSqlitePath();
    const cwd = process.cwd();
    process.chdir(folder.dir);
    try {
      const { store } = await import('./examples/open-store.js');
      expect(existsSync(join(folder.dir, 'data', 'inbox.db'))).toBe(true);
      expect((await store.checkSchema()).ok).toBe(true);
      await store.close();
    } finally {
      process.chdir(cwd);
      folder.cleanup();
    }
  });

  it.each(['sqlite', 'postgres'])(
    'a component migrated from its own folders, on %s',
    async (kind) => {
      const database =
        kind === 'sqlite' ? createTempSqlitePath() : await createTestDatabase('wi_docs_store');
      const url = 'url' in database ? database.url : database.path;
      vi.resetModules();
      vi.stubEnv('DATABASE_URL', url);
      try {
        const { store } = await import('./examples/component-migrations.js');
        const rows = await store.read((db) =>
          db.query('SELECT COUNT(*) AS n FROM billing_invoices'),
        );
        expect(Number(rows.rows[0]!.n)).toBe(0);
        expect((await store.checkSchema()).ok).toBe(true);
        await store.close();
      } finally {
        await ('drop' in database ? database.drop() : database.cleanup());
      }
    },
  );
});
