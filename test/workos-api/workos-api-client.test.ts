import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sampleEvent } from '../../src/testing/sample-event.js';
import {
  WorkosApiAuthError,
  WorkosApiNotFoundError,
  WorkosApiRequestError,
  WorkosApiUnavailableError,
} from '../../src/workos-api/workos-api-errors.js';
import { WorkosApiClient, userAgent } from '../../src/workos-api/workos-api-client.js';
import { workosApiSettings } from '../../src/workos-api/workos-api-options.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';

let api: WorkosApiStandIn;
beforeAll(async () => {
  api = await startWorkosApiStandIn();
  api.events = [sampleEvent('dsync.user.created') as never];
});
afterAll(() => api.close());
beforeEach(() => void api.requests.splice(0));

/** A client whose waits are recorded instead of slept. */
function clientWith(overrides: Partial<ConstructorParameters<typeof WorkosApiClient>[0]> = {}) {
  const waits: number[] = [];
  const client = new WorkosApiClient({
    apiKey: api.apiKey,
    apiUrl: api.url,
    sleep: async (ms) => void waits.push(ms),
    random: () => 0.5,
    clock: { now: () => Date.parse('2026-01-01T00:00:00Z') },
    ...overrides,
  });
  return { client, waits };
}

describe('WorkosApiClient', () => {
  it('sends the key as a bearer token and a User-Agent with our name and version', async () => {
    const { client } = clientWith();
    const page = await client.listEvents({ order: 'asc', limit: 10 });
    expect(page.data).toHaveLength(1);
    expect(api.requests[0]!.authorization).toBe(`Bearer ${api.apiKey}`);
    expect(api.requests[0]!.userAgent).toBe(userAgent);
    expect(userAgent).toMatch(/^workos-inbox\/\d+\.\d+\.\d+ node\//);
  });

  it('retries 429 after the Retry-After seconds, and 5xx with backoff, then succeeds', async () => {
    const { client, waits } = clientWith();
    api.failNext({ status: 429, retryAfter: '7' }, { status: 500 }, { status: 503 });
    const page = await client.listEvents({ limit: 10 });
    expect(page.data).toHaveLength(1);
    expect(api.requests).toHaveLength(4);
    // 7 s as asked; then retries 2 and 3 back off from 1000 ms and 2000 ms ceilings, at 3/4 (jitter 0.5).
    expect(waits).toEqual([7000, 750, 1500]);
  });

  it('honours Retry-After as an HTTP date', async () => {
    const { client, waits } = clientWith();
    api.failNext({ status: 429, retryAfter: 'Thu, 01 Jan 2026 00:00:03 GMT' });
    await client.listEvents({ limit: 10 });
    expect(waits).toEqual([3000]);
  });

  it('a Retry-After longer than retryMaxMs: not waited out, an error at once naming the wait', async () => {
    for (const retryAfter of ['86400', 'Fri, 02 Jan 2026 00:00:00 GMT']) {
      api.requests.splice(0);
      const errors: (number | undefined)[] = [];
      const { client, waits } = clientWith({ onError: (status) => errors.push(status) });
      api.failNext({ status: 429, retryAfter });
      const error = await client.listEvents({ limit: 10 }).catch((e: unknown) => e);
      expect(error, retryAfter).toBeInstanceOf(WorkosApiUnavailableError);
      expect(error).toMatchObject({
        status: 429,
        code: 'workos_api_unavailable',
        retryAfterMs: 86_400_000,
      });
      expect((error as Error).message).toBe(
        'GET /events: 429 injected 429: its Retry-After asks to wait 86400 s (24 h), longer than the 60 s this client waits at most, so it was not retried; try again after 2026-01-02T00:00:00.000Z',
      );
      // One request, no wait, and the failed answer still counted.
      expect(api.requests).toHaveLength(1);
      expect(waits).toEqual([]);
      expect(errors).toEqual([429]);
    }
  });

  it('a Retry-After up to retryMaxMs is waited, whatever retryMaxMs is', async () => {
    const { client, waits } = clientWith({ retryMaxMs: 120_000 });
    api.failNext({ status: 503, retryAfter: '120' }, { status: 429, retryAfter: '60' });
    await client.listEvents({ limit: 10 });
    expect(waits).toEqual([120_000, 60_000]);
    const short = clientWith({ retryMaxMs: 5000 });
    api.failNext({ status: 429, retryAfter: '6' });
    await expect(short.client.listEvents({ limit: 10 })).rejects.toThrow(
      'its Retry-After asks to wait 6 s, longer than the 5 s this client waits at most',
    );
    expect(short.waits).toEqual([]);
  });

  it('gives up after maxRetries with WorkosApiUnavailableError carrying the last status', async () => {
    const { client, waits } = clientWith({ maxRetries: 2 });
    api.failNext({ status: 502 }, { status: 502 }, { status: 502 });
    const error = await client.listEvents({ limit: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkosApiUnavailableError);
    expect(error).toMatchObject({ status: 502, code: 'workos_api_unavailable' });
    expect(waits).toHaveLength(2);
  });

  it('a wrong key: not retried, an error naming WORKOS_API_KEY', async () => {
    const { client, waits } = clientWith({ apiKey: 'sk_test_wrong' });
    const error = await client.listEvents({ limit: 10 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkosApiAuthError);
    expect((error as Error).message).toContain('WORKOS_API_KEY');
    expect(waits).toEqual([]);
    expect(api.requests).toHaveLength(1);
  });

  it('a key read with spaces or a line break around it works; one inside it is refused at once, unprinted', async () => {
    for (const apiKey of [
      `${api.apiKey}\n`,
      `${api.apiKey}\r\n`,
      `  ${api.apiKey}  `,
      `\t${api.apiKey}`,
    ]) {
      api.requests.splice(0);
      const { client } = clientWith({ apiKey });
      await client.listEvents({ limit: 1 });
      expect(api.requests[0]!.authorization, JSON.stringify(apiKey)).toBe(`Bearer ${api.apiKey}`);
    }
    expect(() => new WorkosApiClient({ apiKey: ' \n ' })).toThrow(/^no WorkOS API key/);
    for (const apiKey of [`${api.apiKey}\nsk_test_other`, `${api.apiKey} ${api.apiKey}`]) {
      let error: unknown;
      try {
        new WorkosApiClient({ apiKey });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(WorkosApiAuthError);
      expect((error as Error).message).toBe(
        `the WorkOS API key has a space or line break inside it (character ${api.apiKey.length + 1} of ${apiKey.length}): expected one sk_… key on one line; check WORKOS_API_KEY (or --api-key)`,
      );
    }
  });

  it('no key at all, or an apiUrl that is not a URL: a clear error before any request', () => {
    expect(() => new WorkosApiClient({ apiKey: '' })).toThrow(/pass apiKey.*WORKOS_API_KEY/);
    for (const apiUrl of ['not-a-url', 'ftp://api.workos.com', 'http://']) {
      expect(() => new WorkosApiClient({ apiKey: 'sk_test', apiUrl }), apiUrl).toThrow(
        `apiUrl "${apiUrl}": expected an http(s):// URL`,
      );
    }
  });

  it("404 names WORKOS_API_URL; 422 keeps WorkOS's message", async () => {
    const { client } = clientWith();
    await expect(client.get('/nope')).rejects.toBeInstanceOf(WorkosApiNotFoundError);
    await expect(client.get('/nope')).rejects.toThrow(/WORKOS_API_URL/);
    const error = await client.listEvents({ limit: 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkosApiRequestError);
    expect((error as Error).message).toContain('limit must be an integer between 1 and 100');
  });

  it('a 404 names the whole path requested, the API URL path included', async () => {
    const client = new WorkosApiClient({
      apiKey: api.apiKey,
      apiUrl: `${api.url}/nope/`,
      maxRetries: 0,
    });
    const error = await client.listEvents({ limit: 5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkosApiNotFoundError);
    expect((error as Error).message).toMatch(
      /^GET \/nope\/events: 404 Not Found: check WORKOS_API_URL/,
    );
  });

  it('a request with no answer times out and is retried', async () => {
    let calls = 0;
    const silent = createServer((_req, res) => {
      calls++;
      if (calls === 2) res.end(JSON.stringify({ object: 'list', data: [], list_metadata: {} }));
      // the first request is never answered
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const { client, waits } = clientWith({
        apiUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
        // Long enough for a loaded machine to answer the second request within it.
        timeoutMs: 2000,
      });
      const page = await client.listEvents({ limit: 1 });
      expect(page.data).toEqual([]);
      expect(waits).toHaveLength(1);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  /** A loopback server that answers request `n` with `answer(n, req, res)`. */
  async function serverAnswering(answer: (n: number, res: ServerResponse) => void) {
    let calls = 0;
    const server = createServer((_req, res) => answer(++calls, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      calls: () => calls,
      close: () => {
        server.closeAllConnections();
        server.close();
      },
    };
  }

  /** Headers and the first bytes of a 1,000-byte body, then nothing more. */
  function startBody(res: ServerResponse) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
    res.write('{"object":"list","data":[');
  }

  const emptyList = JSON.stringify({ object: 'list', data: [], list_metadata: {} });

  it('a server nobody answers on: after the retries, an error saying what to check', async () => {
    const closed = await serverAnswering(() => {});
    closed.close();
    const error = await clientWith({ apiUrl: closed.url, maxRetries: 1 })
      .client.get('/events')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkosApiUnavailableError);
    expect((error as Error).message).toMatch(
      /^GET \/events: cannot reach http:\/\/127\.0\.0\.1:\d+ \(fetch failed: .*ECONNREFUSED.*\) \(gave up after 2 attempts\); check the network \(a proxy, a firewall, DNS\) and WORKOS_API_URL \(or --api-url\)$/,
    );
  });

  it('a connection reset in the middle of the body is retried and counted', async () => {
    const server = await serverAnswering((n, res) => {
      if (n === 2) return void res.end(emptyList);
      startBody(res);
      setImmediate(() => res.socket?.destroy());
    });
    try {
      const errors: (number | undefined)[] = [];
      const { client, waits } = clientWith({
        apiUrl: server.url,
        onError: (status) => errors.push(status),
      });
      const page = await client.listEvents({ limit: 1 });
      expect(page.data).toEqual([]);
      expect(server.calls()).toBe(2);
      expect(waits).toHaveLength(1);
      expect(errors).toEqual([undefined]);
      // With no retry left, the error names the path and what happened to the connection.
      const error = await clientWith({ apiUrl: server.url, maxRetries: 0 })
        .client.get('/events')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkosApiUnavailableError);
      expect((error as Error).message).toMatch(
        /^GET \/events: the answer's body was cut off \(terminated: .+\) \(gave up after 1 attempt\)$/,
      );
    } finally {
      server.close();
    }
  });

  it('a body that stops arriving times out; after the last retry, an error naming path and cause', async () => {
    const server = await serverAnswering((_n, res) => startBody(res));
    try {
      const errors: (number | undefined)[] = [];
      const { client, waits } = clientWith({
        apiUrl: server.url,
        // Long enough for the headers to arrive within it on a loaded machine (at 100 ms they
        // once did not, and the error said "no answer" instead).
        timeoutMs: 2000,
        maxRetries: 1,
        onError: (status) => errors.push(status),
      });
      const error = await client.listEvents({ limit: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkosApiUnavailableError);
      expect((error as Error).message).toBe(
        "GET /events: the answer's body did not arrive within 2000 ms (gave up after 2 attempts); if WorkOS is slow rather than unreachable, allow it longer: WORKOS_API_TIMEOUT_MS (or --api-timeout-ms, the timeoutMs option)",
      );
      expect(server.calls()).toBe(2);
      expect(waits).toHaveLength(1);
      expect(errors).toEqual([undefined, undefined]);
    } finally {
      server.close();
    }
  });

  it("a proxy's HTML error page is named by its title, not printed whole; it is retried", async () => {
    const page =
      '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
    const server = await serverAnswering((n, res) => {
      if (n === 2) return void res.end(emptyList);
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end(page);
    });
    try {
      const { client, waits } = clientWith({ apiUrl: server.url });
      expect((await client.listEvents({ limit: 1 })).data).toEqual([]);
      expect(waits).toHaveLength(1);
      const error = await clientWith({ apiUrl: server.url, maxRetries: 0 })
        .client.get('/events')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkosApiUnavailableError);
      expect((error as Error).message).toBe(
        `GET /events: 502 (an HTML page "502 Bad Gateway", not WorkOS's JSON: a proxy or gateway in between answered) (gave up after 1 attempt)`,
      );
    } finally {
      server.close();
    }
  });

  it('a 200 that is not JSON (a captive portal) says what answered and which setting to check', async () => {
    const server = await serverAnswering((_n, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        '<!doctype html><html><head><title>\n  Sign in to Hotel Wi-Fi\n</title></head></html>',
      );
    });
    try {
      const { client, waits } = clientWith({ apiUrl: server.url });
      await expect(client.listEvents({ limit: 1 })).rejects.toThrow(
        `GET /events: the answer is not JSON (an HTML page "Sign in to Hotel Wi-Fi"): check that WORKOS_API_URL (or --api-url) is WorkOS's API and that nothing (a proxy, a captive portal) answers in its place`,
      );
      expect(waits).toEqual([]);
    } finally {
      server.close();
    }
  });

  it("a 422 in WorkOS's shape names each failed requirement and the request id", async () => {
    const server = await serverAnswering((_n, res) => {
      res.writeHead(422, { 'content-type': 'application/json', 'x-request-id': 'req_01ABC' });
      res.end(
        JSON.stringify({
          code: 'invalid_request_parameters',
          message: 'Validation failed',
          errors: [
            { field: 'range_start', code: 'range_start must be a valid ISO 8601 date' },
            { field: 'limit', code: 'must be at most 100' },
          ],
        }),
      );
    });
    try {
      const error = await clientWith({ apiUrl: server.url })
        .client.listEvents({ limit: 1 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkosApiRequestError);
      expect(error).toMatchObject({
        status: 422,
        workosCode: 'invalid_request_parameters',
        workosMessage: 'Validation failed',
        fields: ['range_start', 'limit'],
      });
      expect((error as Error).message).toBe(
        'GET /events: 422 invalid_request_parameters: Validation failed (range_start must be a valid ISO 8601 date; limit: must be at most 100) [request id req_01ABC]',
      );
      expect(server.calls()).toBe(1);
    } finally {
      server.close();
    }
  });

  it('an answer that is not an event list is an error, not stored data', async () => {
    const html = createServer((_req, res) => res.end('{"hello":"proxy"}'));
    await new Promise<void>((r) => html.listen(0, '127.0.0.1', r));
    try {
      const { client } = clientWith({
        apiUrl: `http://127.0.0.1:${(html.address() as AddressInfo).port}`,
      });
      await expect(client.listEvents({ limit: 1 })).rejects.toThrow(/not an Events API list/);
    } finally {
      html.close();
    }
  });

  it('flags win over the environment; the default URL is WorkOS', () => {
    expect(workosApiSettings({}, { WORKOS_API_KEY: 'sk_env' })).toEqual({
      apiKey: 'sk_env',
      apiUrl: 'https://api.workos.com',
    });
    expect(
      workosApiSettings(
        { apiKey: 'sk_flag', apiUrl: 'http://x' },
        { WORKOS_API_KEY: 'sk_env', WORKOS_API_URL: 'http://y' },
      ),
    ).toEqual({ apiKey: 'sk_flag', apiUrl: 'http://x' });
    // A key from a file or an env file keeps its line break; a blank one is no key.
    expect(workosApiSettings({}, { WORKOS_API_KEY: 'sk_env\n' }).apiKey).toBe('sk_env');
    expect(workosApiSettings({}, { WORKOS_API_KEY: ' \n' }).apiKey).toBeUndefined();
  });

  it('listEventsAsSent gives each event the bytes WorkOS sent for it, whatever the spacing', async () => {
    // Pretty-printed, keys in another order, escapes, non-ASCII and a "data" key inside an event:
    // each body is the event's own bytes in the answer, not a re-serialization.
    const first = `{\n    "object": "event",\n    "id": "event_01",\n    "event": "dsync.user.created",\n    "data": { "data": [1, {"x": "]}\\"{"}], "first_name": "Zoë", "emoji": "🎉" },\n    "created_at": "2026-01-01T00:00:00.000Z"\n  }`;
    const second = `{"id":"event_02","event":"dsync.user.deleted","created_at":"2026-01-01T00:00:01.000Z","data":{"id":"directory_user_1","note":"a \\\\"},"object":"event"}`;
    const answer = `\uFEFF{ "list_metadata": { "after": "event_02" }, "data": [\n  ${first} ,${second}\n], "object": "list" }`;
    const server = createServer((_req, res) => res.end(answer));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { client } = clientWith({
        apiUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      });
      const { list, bodies } = await client.listEventsAsSent({ limit: 2 });
      expect(list.data.map((e) => e.id)).toEqual(['event_01', 'event_02']);
      expect(bodies.map((b) => b.toString('utf8'))).toEqual([first, second]);
      expect(bodies.map((b) => JSON.parse(b.toString('utf8')) as unknown)).toEqual(list.data);
    } finally {
      server.close();
    }
  });
});
