// The raw-body recipes from docs/verification.md (and from the hint in our error message), run
// for real: each framework hands over bytes that verify even when the JSON is not compact,
// which the parsed-object path cannot do.
import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignatureVerificationException, WorkOS, createVerifier } from 'workos-inbox';

const secret = 'whsec_recipes';
const workos = new WorkOS();
// Pretty-printed, with an escape and a big integer: re-serializing would change every one.
const body = `{
  "id": "event_1", "event": "user.created", "created_at": "2024-01-01T00:00:00.000Z",
  "data": { "name": "Zo\\u00eb", "n": 12345678901234567890, "x": 1.0 }
}`;

function sign(payload: string): string {
  const t = Date.now();
  return `t=${t}, v1=${createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex')}`;
}

async function deliver(url: string, sigHeader: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'workos-signature': sigHeader },
    body,
  });
  return { status: res.status, text: await res.text() };
}

function listen(app: express.Express): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    });
  });
}

describe('Express', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const app = express();
    app.post('/raw', express.raw({ type: 'application/json' }), async (req, res) => {
      try {
        const event = await workos.webhooks.constructEvent({
          payload: req.body as Buffer,
          sigHeader: req.headers['workos-signature'],
          secret,
        });
        res.status(200).send(event.id);
      } catch (error) {
        res.status(error instanceof SignatureVerificationException ? 401 : 400).send(String(error));
      }
    });
    const withRaw = express.Router();
    withRaw.use(
      express.json({
        verify: (req, _res, buf) => {
          (req as unknown as { rawBody: Buffer }).rawBody = buf;
        },
      }),
    );
    withRaw.post('/json-verify', (req, res) => {
      const rawBody = (req as unknown as { rawBody: Buffer }).rawBody;
      const event = createVerifier({ secret }).verifyAndParse(
        rawBody,
        req.headers['workos-signature'],
      );
      res.status(200).send(event.id);
    });
    withRaw.post('/parsed-object', async (req, res) => {
      try {
        await workos.webhooks.verifyHeader({
          payload: req.body as object,
          sigHeader: req.headers['workos-signature'],
          secret,
        });
        res.sendStatus(200);
      } catch (error) {
        res.status(401).send((error as Error).message);
      }
    });
    app.use(withRaw);
    ({ server, url } = await listen(app));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("express.raw({ type: 'application/json' }) + req.body verifies", async () => {
    expect(await deliver(`${url}/raw`, sign(body))).toEqual({ status: 200, text: 'event_1' });
    expect((await deliver(`${url}/raw`, sign('{}'))).status).toBe(401);
  });

  it('express.json({ verify }) + req.rawBody verifies', async () => {
    expect(await deliver(`${url}/json-verify`, sign(body))).toEqual({
      status: 200,
      text: 'event_1',
    });
  });

  it('the parsed req.body fails, and the message says how to fix it', async () => {
    const { status, text } = await deliver(`${url}/parsed-object`, sign(body));
    expect(status).toBe(401);
    expect(text).toMatch(
      /^Signature hash does not match the expected signature hash for payload\. /,
    );
    expect(text).toContain("express.raw({ type: 'application/json' })");
  });
});

describe('Fastify', () => {
  it("addContentTypeParser('application/json', { parseAs: 'buffer' }) + request.body verifies", async () => {
    const app = Fastify();
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, buf, done) =>
      done(null, buf),
    );
    app.post('/webhooks', async (request, reply) => {
      const event = await workos.webhooks.constructEvent({
        payload: request.body as Buffer,
        sigHeader: request.headers['workos-signature'],
        secret,
      });
      return reply.code(200).send(event.id);
    });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      expect(await deliver(`${address}/webhooks`, sign(body))).toEqual({
        status: 200,
        text: 'event_1',
      });
    } finally {
      await app.close();
    }
  });
});

describe('Next.js App Router (a Web Request)', () => {
  it('await req.text() verifies', async () => {
    // What a route handler `export async function POST(req: Request)` receives.
    const req = new Request('http://127.0.0.1/api/webhooks', {
      method: 'POST',
      headers: { 'workos-signature': sign(body) },
      body,
    });
    const event = await workos.webhooks.constructEvent({
      payload: await req.text(),
      sigHeader: req.headers.get('workos-signature'),
      secret,
    });
    expect(event.id).toBe('event_1');
  });
});
