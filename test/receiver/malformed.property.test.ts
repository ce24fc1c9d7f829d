import { createServer, type Server } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCreatedAt } from '../../src/events/created-at.js';
import { createInbox, type Inbox } from '../../src/inbox/create-inbox.js';
import { computeSignatureSync } from '../../src/signature/sign.js';
import { createBackend } from '../inbox/helpers/backends.js';
import { closeServer, listen, secret, send } from '../inbox/helpers/events.js';

interface Case {
  method: string;
  headers: Record<string, string>;
  body: Uint8Array;
  /** The statuses the receiver may answer; all of them store nothing. */
  expected: readonly number[];
}

const limit = 4096;
const sign = (body: Uint8Array, t = Date.now()) =>
  `t=${t}, v1=${computeSignatureSync(t, body, secret)}`;
const bytes = (s: string, encoding: BufferEncoding = 'utf8') =>
  new Uint8Array(Buffer.from(s, encoding));

function isEnvelope(body: Uint8Array): boolean {
  try {
    const v = JSON.parse(Buffer.from(body).toString('utf8')) as Record<string, unknown>;
    return (
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v) &&
      typeof v.id === 'string' &&
      v.id !== '' &&
      typeof v.event === 'string' &&
      v.event !== '' &&
      typeof v.created_at === 'string' &&
      parseCreatedAt(v.created_at).problem === undefined &&
      typeof v.data === 'object' &&
      v.data !== null &&
      !Array.isArray(v.data)
    );
  } catch {
    return false;
  }
}

const encodings = fc.constantFrom<BufferEncoding>('utf8', 'utf16le', 'latin1', 'base64', 'hex');
const anyBody = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  fc.tuple(fc.string({ unit: 'grapheme', maxLength: 200 }), encodings).map(([s, e]) => bytes(s, e)),
  fc.jsonValue().map((v) => bytes(JSON.stringify(v) ?? 'null')),
  // Envelope-shaped with a field of the wrong type, an empty id or event, or a created_at that is
  // not a timestamp.
  fc
    .record({
      id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
      event: fc.oneof(fc.string(), fc.boolean()),
      created_at: fc.oneof(
        fc.string({ minLength: 1 }),
        fc.double(),
        // Timestamp-shaped, some of them no real date (2026-02-30) or out of range.
        fc
          .tuple(
            fc.integer({ min: 0, max: 12_000 }),
            fc.integer({ min: 0, max: 13 }),
            fc.integer({ min: 0, max: 32 }),
          )
          .map(
            ([y, m, d]) =>
              `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}T10:00:00Z`,
          ),
      ),
      data: fc.oneof(fc.constant(null), fc.array(fc.integer()), fc.string(), fc.object()),
    })
    .map((v) => bytes(JSON.stringify(v))),
  // BOM before valid JSON: not JSON to a strict parser of the signed bytes? Either way, not stored unless valid.
  fc.jsonValue().map((v) => bytes(`\uFEFF${JSON.stringify(v) ?? 'null'}`)),
);

const malformed: fc.Arbitrary<Case> = fc.oneof(
  // Other methods.
  fc
    .tuple(fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), anyBody)
    .map(([method, body]) => ({
      method,
      headers: { 'workos-signature': sign(body) },
      body,
      expected: [405],
    })),
  // No header, or a blank one.
  fc.tuple(anyBody, fc.constantFrom(undefined, '', '   ')).map(([body, h]) => ({
    method: 'POST',
    headers: (h === undefined ? {} : { 'workos-signature': h }) as Record<string, string>,
    body,
    expected: [400],
  })),
  // Garbage or near-miss headers.
  fc
    .tuple(
      anyBody,
      fc.oneof(
        fc.string({ minLength: 1, maxLength: 200 }).filter((s) => s.trim() !== ''),
        fc.integer().map((t) => `t=${t}, v1=${'0'.repeat(64)}`),
        fc.constant(`t=${Date.now()}`),
        fc.constant(`v1=abc, t=${Date.now()}`),
        fc.constant(`t=${Date.now() - 3_600_000}, v1=${'a'.repeat(64)}`),
        fc.string().map((s) => `t=${s}, v1=${s}`),
      ),
    )
    .map(([body, h]) => ({
      method: 'POST',
      headers: { 'workos-signature': h },
      body,
      expected: [400, 401],
    })),
  // Correctly signed, but not an event.
  anyBody
    .filter((b) => !isEnvelope(b) && b.byteLength <= limit)
    .map((body) => ({
      method: 'POST',
      headers: { 'workos-signature': sign(body) },
      body,
      expected: [400],
    })),
  // Signed with another secret.
  anyBody.map((body) => {
    const t = Date.now();
    return {
      method: 'POST',
      headers: { 'workos-signature': `t=${t}, v1=${computeSignatureSync(t, body, 'whsec_wrong')}` },
      body,
      expected: [401],
    };
  }),
  // Over the limit.
  fc.integer({ min: limit + 1, max: limit * 4 }).map((n) => {
    const body = new Uint8Array(n).fill(0x7b);
    return { method: 'POST', headers: { 'workos-signature': sign(body) }, body, expected: [413] };
  }),
);

describe('thousands of malformed requests (fast-check)', () => {
  let inbox: Inbox;
  let server: Server;
  let url: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const backend = await createBackend('sqlite');
    cleanup = backend.cleanup;
    inbox = await createInbox({
      database: backend.database,
      secret,
      maxBodyBytes: limit,
      mirror: false,
    });
    server = createServer(inbox.node());
    url = await listen(server);
  });

  afterAll(async () => {
    await closeServer(server);
    await inbox.close();
    await cleanup();
  });

  it('answers the right 4xx to 3000 cases in the core, storing nothing', async () => {
    await fc.assert(
      fc.asyncProperty(malformed, async (c) => {
        const res = await inbox.receiver.handle(c);
        expect(c.expected).toContain(res.status);
        const body = JSON.parse(res.body) as { error?: unknown };
        expect(typeof body.error).toBe('string');
      }),
      { numRuns: 3000 },
    );
    expect((await inbox.store.list({ limit: 10 })).events).toHaveLength(0);
  });

  it('answers the right 4xx to 400 cases over real HTTP, storing nothing, and keeps serving', async () => {
    await fc.assert(
      fc.asyncProperty(malformed, async (c) => {
        const res = await send(url, { method: c.method, headers: c.headers, body: c.body });
        expect(c.expected).toContain(res.status);
      }),
      { numRuns: 400 },
    );
    expect((await inbox.store.list({ limit: 10 })).events).toHaveLength(0);
    const stats = await inbox.store.stats(new Date());
    expect(Object.values(stats.byStatus).reduce((a, b) => a + b, 0)).toBe(0);
  });
});
