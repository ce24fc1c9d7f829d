// `listen` forwards events from the (stand-in) Events API to a local endpoint, signed: the guide's
// Complete Example, official SDK and unchanged, accepts them; a destination that is down is
// retried until it answers, in order, nothing skipped.
import type { RequestListener } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { eventNames } from '../../src/events/event-names.js';
import { listen } from '../../src/listen/listen.js';
import { sampleEvent } from '../../src/testing/sample-event.js';
import { WorkosApiClient } from '../../src/workos-api/workos-api-client.js';
import { WorkosApiAuthError } from '../../src/workos-api/workos-api-errors.js';
import { createGuideApp, db, resetGuideState } from '../compat/guide-app.js';
import { startApp } from '../forward/helpers/endpoint.js';
import type { TestEndpoint } from '../forward/helpers/endpoint.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';

const secret = 'whsec_listen_test';
const users = [1, 2, 3].map((n) =>
  sampleEvent('dsync.user.created', {
    overrides: {
      id: `event_0${n}`,
      data: { id: `directory_user_${n}`, email: `u${n}@example.com` },
    },
  }),
);
const events = [...users, sampleEvent('dsync.group.created', { overrides: { id: 'event_04' } })];

let api: WorkosApiStandIn;
let client: WorkosApiClient;
beforeAll(async () => {
  api = await startWorkosApiStandIn();
  api.events = events as never;
  client = new WorkosApiClient({ apiKey: api.apiKey, apiUrl: api.url, maxRetries: 0 });
});
afterAll(() => api.close());

/** A local endpoint on a free port, answering with `listener`; closed when the test ends. */
async function localEndpoint(listener: RequestListener, path = ''): Promise<TestEndpoint> {
  const endpoint = await startApp(listener, path);
  onTestFinished(() => endpoint.close());
  return endpoint;
}

/** Run listen until `count` deliveries answered 2xx, then Ctrl-C (abort). */
async function listenUntil(
  forwardTo: string,
  count: number,
  sleep?: (ms: number) => Promise<void>,
  more: Partial<Parameters<typeof listen>[0]> = {},
) {
  const lines: string[] = [];
  const stop = new AbortController();
  const {
    forwarded: delivered,
    refused,
    refusals,
    firstRefused,
  } = await listen({
    client,
    forwardTo,
    secret,
    since: '2020-01-01T00:00:00Z',
    signal: stop.signal,
    retryBaseMs: 10,
    sleep: sleep ?? (async () => {}),
    print: (line) => {
      lines.push(line);
      if (lines.filter((l) => / 2\d\d$/.test(l)).length === count) stop.abort();
    },
    ...more,
  });
  return { lines, delivered, refused, refusals, firstRefused };
}

describe('workos-inbox listen', () => {
  it("delivers events the guide's Complete Example (official SDK) accepts", async () => {
    vi.stubEnv('WORKOS_WEBHOOK_SECRET', secret);
    vi.spyOn(console, 'log').mockImplementation(() => {});
    resetGuideState();
    const endpoint = await localEndpoint(createGuideApp(), '/complete/webhooks/workos');
    try {
      const { lines, delivered } = await listenUntil(endpoint.url, events.length);
      expect(delivered).toBe(events.length);
      expect(lines).toHaveLength(events.length);
      // Without --events it asks for every name this version knows, as `pull` does.
      const read = api.requests.find((r) => r.url.startsWith('/events'))!;
      expect(read.query.get('events')?.split(',')).toEqual([...eventNames]);
      lines.forEach((line, i) => {
        expect(line).toMatch(/^\d{2}:\d{2}:\d{2} {2}/);
        expect(line.endsWith(`  ${events[i]!.event}  ${events[i]!.id}  200`)).toBe(true);
      });
      // The SDK verified and deserialized them: the example stored each user, camelCased.
      await vi.waitFor(() => expect(db.rows.size).toBe(3));
      expect(db.rows.get('directory_user_2')).toMatchObject({ email: 'u2@example.com' });
    } finally {
      vi.unstubAllEnvs();
      vi.restoreAllMocks();
    }
  });

  it('prints the destination without its credentials or query', async () => {
    const lines: string[] = [];
    const stop = new AbortController();
    // fetch refuses a URL with credentials, and its error quotes the whole URL.
    await listen({
      client,
      forwardTo: 'http://admin:hunter2@127.0.0.1:9/hook?token=tok_abc123',
      secret,
      since: '2020-01-01T00:00:00Z',
      signal: stop.signal,
      sleep: async () => {},
      print: (line) => {
        lines.push(line);
        stop.abort();
      },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('down (');
    expect(lines[0]).toContain('http://127.0.0.1:9/hook');
    expect(lines[0]).not.toMatch(/hunter2|tok_abc123|admin/);
  });

  it('a destination that is down is retried, not skipped', async () => {
    const received: string[] = [];
    let answers = [503, 503];
    const endpoint = await localEndpoint((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = answers.shift() ?? 200;
        if (status === 200)
          received.push((JSON.parse(Buffer.concat(chunks).toString()) as { id: string }).id);
        res.writeHead(status).end();
      });
    });
    // Down altogether first: the server closes; the first retry's wait brings it back on its port.
    await endpoint.kill();
    let revived = false;
    const sleep = async () => {
      if (!revived) {
        revived = true;
        await endpoint.restart();
      }
    };
    const { lines } = await listenUntil(endpoint.url, events.length, sleep);
    expect(received).toEqual(events.map((e) => e.id));
    expect(lines[0]).toMatch(/event_01 {2}down \(.*\) {2}retrying in 10 ms$/);
    expect(lines[1]).toMatch(/event_01 {2}503 {2}retrying in 20 ms$/);
    expect(lines[2]).toMatch(/event_01 {2}503 {2}retrying in 40 ms$/);
    expect(lines[3]).toMatch(/event_01 {2}200$/);
    answers = [];
  });

  it('a 4xx is printed and passed, counted as refused, not as forwarded', async () => {
    let requests = 0;
    const endpoint = await localEndpoint((req, res) => {
      const status = ++requests === 1 ? 401 : 200;
      req.on('end', () => res.writeHead(status).end()).resume();
    });
    const { lines, delivered, refused, firstRefused } = await listenUntil(
      endpoint.url,
      events.length - 1,
    );
    expect(lines[0]).toMatch(/event_01 {2}401 {2}refused, not retried: /);
    expect({ delivered, refused }).toEqual({ delivered: events.length - 1, refused: 1 });
    // What `listen --since` needs to send it again (the cursor moved past it).
    expect(firstRefused).toEqual({
      id: events[0]!.id,
      event: events[0]!.event,
      createdAt: events[0]!.created_at,
    });
  });

  it('what to do about a refusal is said on the first refused line of its cause, not on every line', async () => {
    // Every event refused as a wrong secret is (401), but the third, sent elsewhere (302).
    let requests = 0;
    const endpoint = await localEndpoint((req, res) => {
      const status = ++requests === 3 ? 302 : 401;
      req
        .on('end', () => res.writeHead(status, status === 302 ? { location: '/moved' } : {}).end())
        .resume();
    });
    const stop = new AbortController();
    const lines: string[] = [];
    const result = await listen({
      client,
      forwardTo: endpoint.url,
      secret,
      secretSource: 'WORKOS_WEBHOOK_SECRET',
      since: '2020-01-01T00:00:00Z',
      signal: stop.signal,
      sleep: async () => {},
      print: (line) => {
        if (lines.push(line) === events.length) stop.abort();
      },
    });
    const secretAdvice =
      "most likely the endpoint checks the signature with another secret than the one listen signs with (WORKOS_WEBHOOK_SECRET): give listen the endpoint's secret with --secret or WORKOS_WEBHOOK_SECRET";
    expect(lines[0]).toMatch(/ {2}event_01 {2}401 {2}refused, not retried: /);
    expect(lines[0]!.endsWith(secretAdvice)).toBe(true);
    expect(lines[1]).toMatch(/ {2}event_02 {2}401$/);
    expect(lines[2]).toMatch(/ {2}event_03 {2}302 {2}refused, not retried: a redirect /);
    expect(lines[3]).toMatch(/ {2}event_04 {2}401$/);
    // Counted by cause, the commonest first: what the CLI's closing line says.
    expect(result).toMatchObject({
      forwarded: 0,
      refused: 4,
      firstRefused: { id: 'event_01' },
      refusals: [
        { cause: 'secret', advice: secretAdvice, count: 3, statuses: { 401: 3 } },
        { cause: 'redirect', count: 1, statuses: { 302: 1 } },
      ],
    });
  });

  it('a redirect is not followed: the POST was not accepted, so it is not counted as forwarded', async () => {
    const seen: string[] = [];
    const endpoint = await localEndpoint((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      // The first POST is sent elsewhere; a GET there answers 200, as a page would.
      const status = req.method === 'GET' ? 200 : seen.length === 1 ? 302 : 200;
      req
        .on('end', () => res.writeHead(status, status === 302 ? { location: '/moved' } : {}).end())
        .resume();
    });
    const { lines, delivered, refused } = await listenUntil(endpoint.url, events.length - 1);
    // What to do, with where it was sent (the POST's answer is the one that counts).
    expect(lines[0]).toMatch(
      new RegExp(
        `event_01 {2}302 {2}refused, not retried: a redirect is not followed .*: point --forward-to at the URL it redirects to \\(${endpoint.url}/moved\\)$`,
      ),
    );
    expect(seen.every((line) => line.startsWith('POST /'))).toBe(true);
    expect({ delivered, refused }).toEqual({ delivered: events.length - 1, refused: 1 });
  });

  it('a destination that never answers is timed out and retried as down', async () => {
    let requests = 0;
    const endpoint = await localEndpoint((req, res) => {
      requests++;
      // The first request is never answered; the others are, after their body.
      if (requests > 1) req.on('end', () => res.writeHead(200).end()).resume();
    });
    const { lines, delivered } = await listenUntil(endpoint.url, events.length, undefined, {
      timeoutMs: 50,
    });
    expect(delivered).toBe(events.length);
    expect(lines[0]).toMatch(/event_01 {2}down \(no answer within 50 ms\) {2}retrying in 10 ms$/);
    expect(lines[1]).toMatch(/event_01 {2}200$/);
  });

  it('a stop while a destination has not answered ends listen at once, the event not counted', async () => {
    const stop = new AbortController();
    // Never answers; the stop comes once the request has arrived (an hour's timeout: not reached).
    const endpoint = await localEndpoint(() => stop.abort());
    const lines: string[] = [];
    const delivered = await listen({
      client,
      forwardTo: endpoint.url,
      secret,
      since: '2020-01-01T00:00:00Z',
      signal: stop.signal,
      timeoutMs: 3_600_000,
      sleep: async () => {},
      print: (line) => lines.push(line),
    });
    // Not counted, and named: the CLI says how to send it (the cursor lives in memory).
    expect(delivered).toEqual({
      forwarded: 0,
      refused: 0,
      refusals: [],
      undelivered: {
        id: events[0]!.id,
        event: events[0]!.event,
        createdAt: events[0]!.created_at,
      },
    });
    expect(lines).toEqual([]);
  });

  it('a key WorkOS refuses ends listen with the error at once (it would not pass on a retry)', async () => {
    const refused = new WorkosApiClient({ apiKey: 'sk_wrong', apiUrl: api.url, maxRetries: 0 });
    api.requests.splice(0);
    const lines: string[] = [];
    const stop = new AbortController();
    await expect(
      listen({
        client: refused,
        forwardTo: 'http://127.0.0.1:9/never',
        secret,
        since: '2020-01-01T00:00:00Z',
        signal: stop.signal,
        sleep: async () => {},
        print: (line) => lines.push(line),
      }),
    ).rejects.toBeInstanceOf(WorkosApiAuthError);
    expect(api.requests).toHaveLength(1);
    expect(lines).toEqual([]);
  });

  it('a key WorkOS refuses after the first page ends listen with what it delivered, and the error', async () => {
    const endpoint = await localEndpoint((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200).end());
    });
    api.requests.splice(0);
    // The key is revoked once the first page was read.
    api.afterAnswer = (n) => {
      if (n === 1) api.failNext({ status: 401 });
    };
    try {
      const result = await listen({
        client,
        forwardTo: endpoint.url,
        secret,
        since: '2020-01-01T00:00:00Z',
        signal: new AbortController().signal,
        sleep: async () => {},
        print: () => {},
      });
      expect(result.stoppedBy).toBeInstanceOf(WorkosApiAuthError);
      expect(result.forwarded).toBe(events.length);
      const last = events[events.length - 1]!;
      expect(result.lastRead).toEqual({
        id: last.id,
        event: last.event,
        createdAt: last.created_at,
      });
      expect(api.requests).toHaveLength(2);
    } finally {
      api.afterAnswer = undefined;
    }
  });

  describe("a Retry-After longer than the client waits (WorkOS's rate limits are per key)", () => {
    it('nothing is asked of WorkOS before that time, one line says until when and why; then it reads on', async () => {
      const start = Date.parse('2026-12-08T00:00:00.000Z');
      let now = start;
      const clock = { now: () => now };
      const asked: number[] = [];
      api.requests.splice(0);
      api.beforeAnswer = () => void asked.push(now);
      // An hour: the client (it waits 1 min at most) gives up on it at once.
      api.failNext({ status: 429, retryAfter: '3600' });
      const endpoint = await localEndpoint((req, res) => {
        req.on('end', () => res.writeHead(200).end()).resume();
      });
      try {
        const { lines, delivered } = await listenUntil(
          endpoint.url,
          events.length,
          async (ms) => void (now += ms),
          { clock },
        );
        // It used to ask again every --interval-ms (2 s), each answer an `Events API error` line.
        expect(lines[0]).toBe(
          "00:00:00  Events API 429: waiting until 2026-12-08T01:00:00.000Z, as WorkOS's Retry-After asks (Ctrl-C stops)",
        );
        expect(asked).toEqual([start, start + 3_600_000]);
        expect(delivered).toBe(events.length);
        expect(lines.slice(1)).toHaveLength(events.length);
      } finally {
        api.beforeAnswer = undefined;
      }
    });

    it('a stop during that wait ends it at once, without asking WorkOS again', async () => {
      api.requests.splice(0);
      // A day, waited with listen's own (real) sleep: only the stop ends it.
      api.failNext({ status: 503, retryAfter: '86400' });
      const stop = new AbortController();
      const lines: string[] = [];
      const result = await listen({
        client,
        forwardTo: 'http://127.0.0.1:9/never',
        secret,
        since: '2020-01-01T00:00:00Z',
        signal: stop.signal,
        print: (line) => {
          lines.push(line);
          stop.abort();
        },
      });
      expect(result).toEqual({ forwarded: 0, refused: 0, refusals: [] });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^\d{2}:\d{2}:\d{2} {2}Events API 503: waiting until \d{4}-\d{2}-\d{2}T[\d:.]+Z, as WorkOS's Retry-After asks \(Ctrl-C stops\)$/,
      );
      expect(api.requests).toHaveLength(1);
    });
  });

  it("a stop during a WorkOS outage ends the client's wait for its retry at once", async () => {
    const stop = new AbortController();
    // The client as `listen` on the command line builds it: its default (real) waits, an hour
    // each here, ended by the same signal that stops listen.
    const patient = new WorkosApiClient({
      apiKey: api.apiKey,
      apiUrl: api.url,
      retryBaseMs: 3_600_000,
      retryMaxMs: 3_600_000,
      signal: stop.signal,
      onRetry: () => stop.abort(),
    });
    api.requests.splice(0);
    api.failNext({ status: 503 });
    const lines: string[] = [];
    const delivered = await listen({
      client: patient,
      forwardTo: 'http://127.0.0.1:9/never',
      secret,
      since: '2020-01-01T00:00:00Z',
      signal: stop.signal,
      print: (line) => lines.push(line),
    });
    expect(delivered).toEqual({ forwarded: 0, refused: 0, refusals: [] });
    expect(api.requests).toHaveLength(1);
    // Stopping is not an Events API error.
    expect(lines).toEqual([]);
  });
});
