import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInbox, type Inbox } from '../../src/inbox/create-inbox.js';
import { createReceiver } from '../../src/receiver/create-receiver.js';
import { openStore } from '../../src/store/open-store.js';
import { backendKinds, createBackend } from '../inbox/helpers/backends.js';
import {
  closeServer,
  eventBody,
  listen,
  secret,
  send,
  signedHeaders,
} from '../inbox/helpers/events.js';
import { capturedLogs } from '../helpers/captured-logs.js';

describe.each(backendKinds)('receiver status rules on %s', (kind) => {
  let inbox: Inbox;
  let server: Server;
  let url: string;
  let cleanup: () => Promise<void>;
  const logs = capturedLogs();
  let seq = 0;
  const nextId = () => `evt_${kind}_${++seq}_${Date.now()}`;

  async function storedCount(): Promise<number> {
    const page = await inbox.store.list({ limit: 1000 });
    return page.events.length;
  }

  async function metric(name: string): Promise<number> {
    const m = await inbox.metrics.getSingleMetric(name)?.get();
    return (m?.values ?? []).reduce((sum, v) => sum + v.value, 0);
  }

  beforeAll(async () => {
    const backend = await createBackend(kind);
    cleanup = backend.cleanup;
    inbox = await createInbox({
      database: backend.database,
      secret,
      logger: logs.logger,
      mirror: false,
    });
    server = createServer(inbox.node());
    url = `${await listen(server)}/webhooks/workos`;
  });

  afterAll(async () => {
    await closeServer(server);
    await inbox.close();
    await cleanup();
  });

  it('answers 200 only with the event committed: the row holds the exact bytes', async () => {
    const id = nextId();
    // Key order and spacing a re-serialization would change: the stored bytes must be these.
    const body = eventBody(id).replace('{"id"', '{ "id"');
    const res = await send(url, { body, headers: signedHeaders(body) });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'accepted' });
    const row = await inbox.store.get(id);
    expect(row?.event).toBe('dsync.user.created');
    expect(row?.source).toBe('webhook');
    expect(row?.status).toBe('pending');
    expect(row?.createdAt).toBe('2026-11-27T10:00:00.000Z');
    expect(Buffer.from(row!.rawBody).toString('utf8')).toBe(body);
  });

  it('answers 200 to a duplicate, writes nothing new and counts it', async () => {
    const id = nextId();
    const body = eventBody(id);
    const before = await metric('workos_inbox_events_duplicate_total');
    expect((await send(url, { body, headers: signedHeaders(body) })).status).toBe(200);
    const count = await storedCount();
    const again = await send(url, { body, headers: signedHeaders(body) });
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toEqual({ status: 'duplicate' });
    expect(await storedCount()).toBe(count);
    expect(await metric('workos_inbox_events_duplicate_total')).toBe(before + 1);
  });

  it('stores an id once when 25 requests carry it at the same time', async () => {
    const id = nextId();
    const body = eventBody(id);
    const count = await storedCount();
    const answers = await Promise.all(
      Array.from({ length: 25 }, () => send(url, { body, headers: signedHeaders(body) })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(25).fill(200));
    const kinds = answers.map((a) => (JSON.parse(a.body) as { status: string }).status);
    expect(kinds.filter((k) => k === 'accepted')).toHaveLength(1);
    expect(await storedCount()).toBe(count + 1);
  });

  it('answers 401 with the reason code for a wrong secret and a stale timestamp, storing nothing', async () => {
    const count = await storedCount();
    const body = eventBody(nextId());
    const wrong = await send(url, {
      body,
      headers: signedHeaders(body, Date.now(), 'whsec_other'),
    });
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body)).toMatchObject({
      error: 'invalid_signature',
      code: 'signature_mismatch',
    });
    const stale = await send(url, { body, headers: signedHeaders(body, Date.now() - 10 * 60_000) });
    expect(stale.status).toBe(401);
    expect(JSON.parse(stale.body)).toMatchObject({
      error: 'invalid_signature',
      code: 'timestamp_too_old',
    });
    const noV1 = await send(url, {
      body,
      headers: { 'workos-signature': `t=${Date.now()}, v1=` },
    });
    expect(noV1.status).toBe(401);
    expect(JSON.parse(noV1.body)).toMatchObject({ code: 'no_v1_signature' });
    expect(await storedCount()).toBe(count);
  });

  it('answers 400 for a missing header, a non-JSON body and a bad envelope, naming the field', async () => {
    const count = await storedCount();
    const body = eventBody(nextId());
    const missing = await send(url, { body, headers: { 'content-type': 'application/json' } });
    expect(missing.status).toBe(400);
    expect(JSON.parse(missing.body)).toMatchObject({ code: 'missing_header' });

    const notJson = '{"id": "evt_1", oops';
    const r1 = await send(url, { body: notJson, headers: signedHeaders(notJson) });
    expect(r1.status).toBe(400);
    expect(JSON.parse(r1.body)).toMatchObject({ error: 'invalid_body', code: 'invalid_json' });

    const noData = JSON.stringify({ id: 'evt_x', event: 'dsync.user.created', created_at: 'x' });
    const r2 = await send(url, { body: noData, headers: signedHeaders(noData) });
    expect(r2.status).toBe(400);
    expect(JSON.parse(r2.body)).toMatchObject({ code: 'invalid_envelope', field: 'data' });

    const numericId = JSON.stringify({ id: 7, event: 'e', created_at: 'x', data: {} });
    const r3 = await send(url, { body: numericId, headers: signedHeaders(numericId) });
    expect(r3.status).toBe(400);
    expect(JSON.parse(r3.body)).toMatchObject({ code: 'invalid_envelope', field: 'id' });
    expect(await storedCount()).toBe(count);
  });

  it('answers 400 invalid_envelope for an empty id or event and a created_at that is not a timestamp, storing nothing and logging no error', async () => {
    const count = await storedCount();
    const errors = () => logs.lines.filter((l) => l.level >= 50).length;
    const errorsBefore = errors();
    const envelope = { event: 'dsync.user.created', created_at: '2026-01-01T00:00:00Z', data: {} };
    const cases = [
      { body: { ...envelope, id: '' }, field: 'id' },
      { body: { ...envelope, id: nextId(), event: '' }, field: 'event' },
      { body: { ...envelope, id: nextId(), created_at: 'not a date' }, field: 'created_at' },
      // Shaped like one, but no such day: the mirror could not apply it either.
      {
        body: { ...envelope, id: nextId(), created_at: '2026-02-30T00:00:00Z' },
        field: 'created_at',
      },
    ];
    for (const c of cases) {
      const text = JSON.stringify(c.body);
      const res = await send(url, { body: text, headers: signedHeaders(text) });
      expect(res.status).toBe(400);
      expect(res.headers['retry-after']).toBeUndefined();
      expect(JSON.parse(res.body)).toMatchObject({
        error: 'invalid_body',
        code: 'invalid_envelope',
        field: c.field,
      });
    }
    const spaced = JSON.stringify({ ...envelope, id: nextId(), created_at: '2026-01-01 00:00:00' });
    expect((await send(url, { body: spaced, headers: signedHeaders(spaced) })).status).toBe(200);
    expect(await storedCount()).toBe(count + 1);
    expect(errors()).toBe(errorsBefore);
  });

  it('answers 413 over 1 MiB, declared or streamed, and 405 with Allow for other methods', async () => {
    const count = await storedCount();
    const big = JSON.stringify({
      ...JSON.parse(eventBody(nextId())),
      pad: 'x'.repeat(1024 * 1024),
    });
    const r1 = await send(url, { body: big, headers: signedHeaders(big) });
    expect(r1.status).toBe(413);
    expect(JSON.parse(r1.body)).toMatchObject({ code: 'body_too_large', limitBytes: 1048576 });
    // Chunked (no Content-Length): the limit applies while reading.
    const chunked = await send(url, {
      body: big,
      headers: { ...signedHeaders(big), 'transfer-encoding': 'chunked' },
    });
    expect(chunked.status).toBe(413);

    for (const method of ['GET', 'PUT', 'DELETE']) {
      const r = await send(url, { method });
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe('POST');
    }
    expect(await storedCount()).toBe(count);
  });

  it('logs reason codes, never the secret nor (at info) the payload', async () => {
    const body = eventBody(nextId());
    await send(url, { body, headers: signedHeaders(body, Date.now(), 'whsec_other') });
    await send(url, { body, headers: signedHeaders(body) });
    const text = logs.raw.join('');
    expect(text).toContain('"reason":"signature_mismatch"');
    expect(text).not.toContain(secret);
    expect(text).not.toContain('Lovelace');
  });

  it('answers 503 with Retry-After when the store cannot commit, storing nothing', async () => {
    const backend = await createBackend(kind);
    const broken = await openStore({ database: backend.database });
    await broken.migrate();
    await broken.close(); // every append now rejects
    const receiver = createReceiver({ sink: broken, secret });
    const body = eventBody(nextId());
    const res = await receiver.handle({
      method: 'POST',
      headers: signedHeaders(body),
      body: Buffer.from(body),
    });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(JSON.parse(res.body)).toMatchObject({ code: 'store_unavailable' });
    const check = await openStore({ database: backend.database });
    try {
      expect((await check.list({ limit: 10 })).events).toHaveLength(0);
    } finally {
      await check.close();
      await backend.cleanup();
    }
  });

  it('logs an outage once, then a count every 10 s, then when commits work again (not one stack per webhook)', async () => {
    let nowMs = 1_700_000_000_000;
    let down = true;
    const { lines, logger } = capturedLogs<{ level: number; msg: string; refused?: number }>();
    const receiver = createReceiver({
      secret,
      clock: { now: () => nowMs },
      logger,
      sink: {
        append: () =>
          down ? Promise.reject(new Error('connect ECONNREFUSED')) : Promise.resolve('inserted'),
      },
    });
    const deliver = async () => {
      const body = eventBody(nextId());
      return (
        await receiver.handle({
          method: 'POST',
          headers: signedHeaders(body, nowMs),
          body: Buffer.from(body),
        })
      ).status;
    };
    for (let i = 0; i < 5; i++) {
      expect(await deliver()).toBe(503);
      nowMs += 1_000;
    }
    const errors = () => lines.filter((l) => l.level === 50);
    expect(errors().map((l) => l.msg)).toEqual([
      expect.stringMatching(/^could not commit webhook; answering 503/),
    ]);
    nowMs += 6_000;
    expect(await deliver()).toBe(503);
    expect(errors()).toHaveLength(2);
    expect(errors()[1]).toMatchObject({
      msg: 'the database is still unavailable: 5 more webhooks answered 503',
      refused: 5,
    });
    down = false;
    expect(await deliver()).toBe(200);
    expect(lines.at(-1)).toMatchObject({
      level: 30,
      msg: 'the database accepts webhooks again, after 6 answered 503',
    });
    expect(await deliver()).toBe(200);
    expect(lines.filter((l) => l.msg.includes('accepts webhooks again'))).toHaveLength(1);
  });

  it('answers 503 with Retry-After once closing, and the handler never changes an answer', async () => {
    const backend = await createBackend(kind);
    const other = await createInbox({ database: backend.database, secret, mirror: false });
    other.on('dsync.user.created', () => {
      throw new Error('handler bug');
    });
    await other.start();
    const srv = createServer(other.node());
    const base = `${await listen(srv)}/`;
    const body = eventBody(nextId());
    expect((await send(base, { body, headers: signedHeaders(body) })).status).toBe(200);
    await other.close();
    const late = eventBody(nextId());
    const res = await send(base, { body: late, headers: signedHeaders(late) });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    await closeServer(srv);
    await backend.cleanup();
  });
});
