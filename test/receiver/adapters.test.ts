import { createServer, type Server } from 'node:http';
import express from 'express';
import Fastify from 'fastify';
// Fastify 4 too (the peer range is >=4): its types did not accept the plugin.
import Fastify4 from 'fastify4';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInbox, type Inbox } from '../../src/inbox/create-inbox.js';
import { captureRawBody } from '../../src/receiver/adapters/express.js';
import { createBackend } from '../inbox/helpers/backends.js';
import {
  closeServer,
  eventBody,
  listen,
  secret,
  send,
  signedHeaders,
} from '../inbox/helpers/events.js';
import { capturedLogs } from '../helpers/captured-logs.js';

let inbox: Inbox;
let cleanup: () => Promise<void>;
let seq = 0;
/** The inbox's log lines, to see what an operator would. */
const logs = capturedLogs();
const errorsLogged = () => logs.lines.filter((l) => l.level >= 50);
const nextId = () => `evt_adapter_${++seq}`;
// Not what JSON.stringify(JSON.parse(body)) gives back: proves the raw bytes are used and kept.
const oddlyFormatted = (id: string) => eventBody(id).replace('{"id"', '{\n  "id"');

beforeAll(async () => {
  const backend = await createBackend('sqlite');
  cleanup = backend.cleanup;
  inbox = await createInbox({
    database: backend.database,
    secret,
    mirror: false,
    logger: logs.logger,
  });
});

afterAll(async () => {
  await inbox.close();
  await cleanup();
});

async function expectStoredExactly(id: string, body: string): Promise<void> {
  const row = await inbox.store.get(id);
  expect(row).toBeDefined();
  expect(Buffer.from(row!.rawBody).toString('utf8')).toBe(body);
}

describe('Express adapter', () => {
  async function withApp(
    setup: (app: express.Express) => void,
    run: (url: string) => Promise<void>,
  ): Promise<void> {
    const app = express();
    setup(app);
    const server: Server = createServer(app);
    const base = await listen(server);
    try {
      await run(`${base}/webhooks/workos`);
    } finally {
      await closeServer(server);
    }
  }

  it('works mounted with no body parser (the guide: app.post(path, inbox.express()))', async () => {
    await withApp(
      (app) => app.post('/webhooks/workos', inbox.express()),
      async (url) => {
        const id = nextId();
        const body = oddlyFormatted(id);
        expect((await send(url, { body, headers: signedHeaders(body) })).status).toBe(200);
        await expectStoredExactly(id, body);
      },
    );
  });

  it('works after express.json({ verify: captureRawBody }), after express.raw() and after express.text()', async () => {
    await withApp(
      (app) => {
        app.use(express.json({ verify: captureRawBody }));
        app.post('/webhooks/workos', inbox.express());
      },
      async (url) => {
        const id = nextId();
        const body = oddlyFormatted(id);
        expect((await send(url, { body, headers: signedHeaders(body) })).status).toBe(200);
        await expectStoredExactly(id, body);
      },
    );
    await withApp(
      (app) => app.post('/webhooks/workos', express.raw({ type: '*/*' }), inbox.express()),
      async (url) => {
        const id = nextId();
        const body = oddlyFormatted(id);
        expect((await send(url, { body, headers: signedHeaders(body) })).status).toBe(200);
        await expectStoredExactly(id, body);
      },
    );
    // express.text(): the body as a string (Express 5 no longer marks it `_body`).
    await withApp(
      (app) => app.post('/webhooks/workos', express.text({ type: '*/*' }), inbox.express()),
      async (url) => {
        const id = nextId();
        const body = oddlyFormatted(id);
        expect((await send(url, { body, headers: signedHeaders(body) })).status).toBe(200);
        await expectStoredExactly(id, body);
      },
    );
  });

  it("answers 500 naming the fix behind the guide's app.use(express.json()), storing nothing", async () => {
    await withApp(
      (app) => {
        app.use(express.json());
        app.post('/webhooks/workos', inbox.express());
      },
      async (url) => {
        const id = nextId();
        const body = eventBody(id);
        const res = await send(url, { body, headers: signedHeaders(body) });
        expect(res.status).toBe(500);
        expect(JSON.parse(res.body)).toMatchObject({ code: 'body_unavailable' });
        expect(res.body).toContain('captureRawBody');
        expect(await inbox.store.get(id)).toBeUndefined();
        // Logged as an error too: every delivery fails until the app changes.
        expect(errorsLogged().at(-1)?.msg).toMatch(/^webhook not verified: .*captureRawBody/);
      },
    );
  });

  it('works after a verify that kept the raw body as a string (req.rawBody = buf.toString())', async () => {
    await withApp(
      (app) => {
        app.use(
          express.json({
            verify: (req, _res, buf) => {
              (req as { rawBody?: string }).rawBody = buf.toString();
            },
          }),
        );
        app.post('/webhooks/workos', inbox.express());
      },
      async (url) => {
        const id = nextId();
        const body = oddlyFormatted(id).replace('"id"', '"id" ').concat(' ');
        expect((await send(url, { body, headers: signedHeaders(body) })).status).toBe(200);
        await expectStoredExactly(id, body);
      },
    );
  });

  it('keeps the status rules (401, 405, 413)', async () => {
    await withApp(
      (app) => app.all('/webhooks/workos', inbox.express()),
      async (url) => {
        const body = eventBody(nextId());
        const bad = await send(url, { body, headers: signedHeaders(body, Date.now(), 'nope') });
        expect(bad.status).toBe(401);
        expect((await send(url, { method: 'GET' })).status).toBe(405);
        const big = 'x'.repeat(1024 * 1024 + 1);
        expect((await send(url, { body: big, headers: signedHeaders(big) })).status).toBe(413);
      },
    );
  });
});

describe.each([
  {
    major: 5,
    start: async () => {
      const app = Fastify();
      await app.register(inbox.fastify, { path: '/webhooks/workos' });
      app.post('/other', async (request) => ({ echoed: request.body }));
      return app;
    },
  },
  {
    major: 4,
    start: async () => {
      const app = Fastify4();
      await app.register(inbox.fastify, { path: '/webhooks/workos' });
      app.post('/other', async (request) => ({ echoed: request.body }));
      return app;
    },
  },
])('Fastify $major plugin', ({ major, start }) => {
  it('parses its route as raw bytes, encapsulated: the app keeps its JSON parser', async () => {
    const app = await start();
    expect(Number(app.version.split('.')[0])).toBe(major);
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const id = nextId();
      const body = oddlyFormatted(id);
      const url = `${base}/webhooks/workos`;
      expect((await send(url, { body, headers: signedHeaders(body) })).status).toBe(200);
      await expectStoredExactly(id, body);
      const other = await send(`${base}/other`, {
        body: '{"a":1}',
        headers: { 'content-type': 'application/json' },
      });
      expect(JSON.parse(other.body)).toEqual({ echoed: { a: 1 } });
      expect((await send(url, { method: 'GET' })).status).toBe(405);
      const big = 'x'.repeat(1024 * 1024 + 1);
      const tooBig = await send(url, { body: big, headers: signedHeaders(big) });
      expect(tooBig.status).toBe(413);
      expect(JSON.parse(tooBig.body)).toMatchObject({ code: 'body_too_large' });
      const noHeader = await send(url, { body, headers: { 'content-type': 'text/plain' } });
      expect(noHeader.status).toBe(400);
    } finally {
      await app.close();
    }
  });
});

describe('Web handler (Hono, Next.js, Bun, Deno)', () => {
  it('answers a Request with a Response through Hono', async () => {
    const app = new Hono();
    app.post('/webhooks/workos', (c) => inbox.fetch(c.req.raw));
    const id = nextId();
    const body = oddlyFormatted(id);
    const res = await app.request('/webhooks/workos', {
      method: 'POST',
      headers: signedHeaders(body),
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'accepted' });
    await expectStoredExactly(id, body);
  });

  it('stops reading a streamed body over the limit (413) and answers 405 with Allow', async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 10_000) controller.close();
        else controller.enqueue(new Uint8Array(64 * 1024));
      },
    });
    const res = await inbox.fetch(
      new Request('http://127.0.0.1/webhooks/workos', {
        method: 'POST',
        headers: signedHeaders('x'),
        body: stream,
        duplex: 'half',
      } as RequestInit),
    );
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(40);
    const get = await inbox.fetch(new Request('http://127.0.0.1/webhooks/workos'));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});

describe('Web handler, a Request something read first', () => {
  it('answers 500 body_unavailable naming the fix (it threw "ReadableStream is locked"), storing nothing', async () => {
    const app = new Hono();
    // A logging middleware that reads the body as JSON before the webhook route.
    app.use(async (c, next) => {
      await c.req.raw.json();
      await next();
    });
    app.post('/webhooks/workos', (c) => inbox.fetch(c.req.raw));
    const id = nextId();
    const body = eventBody(id);
    const res = await app.request('/webhooks/workos', {
      method: 'POST',
      headers: signedHeaders(body),
      body,
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ code: 'body_unavailable' });
    expect(await inbox.store.get(id)).toBeUndefined();
    expect(errorsLogged().at(-1)?.msg).toMatch(/request\.clone\(\)/);
    // A locked stream (a reader taken, not finished) is the same mistake.
    const locked = new Request('http://127.0.0.1/webhooks/workos', {
      method: 'POST',
      headers: signedHeaders(body),
      body,
    });
    locked.body!.getReader();
    expect((await inbox.fetch(locked)).status).toBe(500);
    // A clone read first leaves the original whole.
    const whole = new Request('http://127.0.0.1/webhooks/workos', {
      method: 'POST',
      headers: signedHeaders(body),
      body,
    });
    await whole.clone().json();
    expect((await inbox.fetch(whole)).status).toBe(200);
    await expectStoredExactly(id, body);
  });
});

describe('node:http listener', () => {
  it('serves http.createServer(inbox.node())', async () => {
    const server = createServer(inbox.node());
    const url = await listen(server);
    try {
      const id = nextId();
      const body = oddlyFormatted(id);
      const answer = await send(url, { body, headers: signedHeaders(body) });
      expect(answer.status).toBe(200);
      // Sized, not chunked: headers and body leave in one write.
      expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.body)));
      expect(answer.headers['transfer-encoding']).toBeUndefined();
      await expectStoredExactly(id, body);
      const rejected = await send(url, { body, headers: { 'workos-signature': 't=1, v1=00' } });
      expect(rejected.status).toBe(401);
      expect(rejected.headers['content-length']).toBe(String(Buffer.byteLength(rejected.body)));
    } finally {
      await closeServer(server);
    }
  });
});
