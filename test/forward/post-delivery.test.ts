// One delivery POST as the destination receives it: the headers are handed to Node as a flat array
// (faster than an object), so Node adds neither `Host` nor the URL's credentials itself; these
// tests pin what the receiver sees, and that a failure is a result, never a rejection.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent, postDelivery } from '../../src/forward/post-delivery.js';
import { startEndpoint } from './helpers/endpoint.js';
import type { TestEndpoint } from './helpers/endpoint.js';
import { localhostCert, localhostKey } from './fixtures/localhost-cert.js';

const endpoints: TestEndpoint[] = [];
afterEach(async () => {
  for (const e of endpoints.splice(0)) await e.close();
});

async function endpoint(status = 204): Promise<TestEndpoint> {
  const e = await startEndpoint((_req, res) => res.writeHead(status).end('ignored'));
  endpoints.push(e);
  return e;
}

describe('postDelivery', () => {
  it('sends the body byte for byte with Host, Content-Length and the given headers', async () => {
    const e = await endpoint();
    const url = new URL(`${e.url}?tenant=a%20b`);
    const agent = createAgent(url, 2);
    const body = Buffer.from('{"id":"event_1","data":{"name":"Zoë"}}');
    const result = await postDelivery(agent, {
      url,
      body,
      headers: { 'content-type': 'application/json', 'workos-signature': 't=1, v1=ab' },
      timeoutMs: 5000,
    });
    agent.destroy();
    expect(result).toEqual({ statusCode: 204, error: null });
    expect(e.received).toHaveLength(1);
    const [r] = e.received;
    expect(r!.body.equals(body)).toBe(true);
    expect(r!.headers.host).toBe(url.host);
    expect(r!.headers['content-length']).toBe(String(body.length));
    expect(r!.headers['content-type']).toBe('application/json');
    expect(r!.headers['workos-signature']).toBe('t=1, v1=ab');
    expect(r!.headers.authorization).toBeUndefined();
  });

  it('turns credentials in the URL into Basic authorization, as Node does for an object', async () => {
    const e = await endpoint();
    const url = new URL(e.url.replace('http://', 'http://hook%20user:p%40ss@'));
    const agent = createAgent(url, 1);
    await postDelivery(agent, { url, body: Buffer.from('{}'), headers: {}, timeoutMs: 5000 });
    agent.destroy();
    const expected = `Basic ${Buffer.from('hook user:p@ss').toString('base64')}`;
    expect(e.received[0]!.headers.authorization).toBe(expected);
  });

  it('reuses one connection for consecutive deliveries (keep-alive)', async () => {
    const ports = new Set<number>();
    const e = await startEndpoint((_req, res) => res.writeHead(200).end());
    endpoints.push(e);
    const url = new URL(e.url);
    const agent = createAgent(url, 1);
    agent.on('free', (socket: { localPort?: number }) => ports.add(socket.localPort ?? 0));
    for (let i = 0; i < 3; i++) {
      const r = await postDelivery(agent, {
        url,
        body: Buffer.from(`{"n":${i}}`),
        headers: {},
        timeoutMs: 5000,
      });
      expect(r.statusCode).toBe(200);
    }
    agent.destroy();
    expect(ports.size).toBe(1);
  });

  it('reports an error status, a refused connection and a timeout as results', async () => {
    const failing = await endpoint(503);
    const url = new URL(failing.url);
    const agent = createAgent(url, 1);
    expect(
      await postDelivery(agent, { url, body: Buffer.from('{}'), headers: {}, timeoutMs: 5000 }),
    ).toEqual({ statusCode: 503, error: null });
    agent.destroy();
    await failing.kill();
    const fresh = createAgent(url, 1);
    const refused = await postDelivery(fresh, {
      url,
      body: Buffer.from('{}'),
      headers: {},
      timeoutMs: 5000,
    });
    expect(refused.statusCode).toBeNull();
    expect(refused.error).toMatch(/^ECONNREFUSED/);
    fresh.destroy();

    const silent = await startEndpoint(() => {}); // never answers
    endpoints.push(silent);
    const silentUrl = new URL(silent.url);
    const silentAgent = createAgent(silentUrl, 1);
    const timedOut = await postDelivery(silentAgent, {
      url: silentUrl,
      body: Buffer.from('{}'),
      headers: {},
      timeoutMs: 50,
    });
    silentAgent.destroy();
    expect(timedOut).toEqual({ statusCode: null, error: 'timed out after 50 ms' });
  });

  it('delivers over HTTPS to the host the URL names (SNI, Host, certificate checked)', async () => {
    let serverName: string | undefined;
    const seen: { host?: string; body: string }[] = [];
    const server = https.createServer(
      {
        key: localhostKey,
        cert: localhostCert,
        SNICallback: (name, done) => {
          serverName = name;
          done(null, createSecureContext({ key: localhostKey, cert: localhostCert }));
        },
      },
      (req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          seen.push({ host: req.headers.host, body: Buffer.concat(chunks).toString() });
          res.writeHead(204).end();
        });
      },
    );
    // Every interface, so `localhost` answers whether it resolves to 127.0.0.1 or ::1.
    await new Promise<void>((resolve) => server.listen(0, resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const url = new URL(`https://localhost:${port}/hook`);
      const body = Buffer.from('{"id":"event_tls"}');
      // An agent that trusts the test's certificate, as a destination's real one is trusted.
      const trusting = new https.Agent({ keepAlive: true, ca: localhostCert });
      const result = await postDelivery(trusting, { url, body, headers: {}, timeoutMs: 5000 });
      trusting.destroy();
      expect(result).toEqual({ statusCode: 204, error: null });
      expect(serverName).toBe('localhost');
      expect(seen).toEqual([{ host: `localhost:${port}`, body: '{"id":"event_tls"}' }]);

      // The forwarder's own agent checks certificates: a self-signed one is refused, as a result.
      const agent = createAgent(url, 1);
      const refused = await postDelivery(agent, { url, body, headers: {}, timeoutMs: 5000 });
      agent.destroy();
      expect(refused.statusCode).toBeNull();
      expect(refused.error).toMatch(/self[- ]signed/i);
      expect(seen).toHaveLength(1);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
