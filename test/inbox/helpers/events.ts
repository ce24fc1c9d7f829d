import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { ReceiverRequest } from '../../../src/receiver/create-receiver.js';
import { signatureHeader } from '../../../src/signature/sign.js';

export const secret = 'whsec_test_inbox_secret';

/** A realistic `dsync.user.created` body with the given id. */
export function eventBody(id: string, name = 'dsync.user.created'): string {
  return JSON.stringify({
    id,
    event: name,
    created_at: '2026-11-27T10:00:00.000Z',
    data: {
      object: 'directory_user',
      id: `directory_user_${id}`,
      directory_id: 'directory_01',
      organization_id: 'org_01',
      idp_id: `idp_${id}`,
      email: `${id}@example.com`,
      first_name: 'Ada',
      last_name: 'Lovelace',
      state: 'active',
      emails: [{ primary: true, type: 'work', value: `${id}@example.com` }],
      raw_attributes: {},
      custom_attributes: {},
      role: { slug: 'member' },
      created_at: '2026-11-27T10:00:00.000Z',
      updated_at: '2026-11-27T10:00:00.000Z',
    },
  });
}

export function signedHeaders(
  body: string | Uint8Array,
  timestampMs = Date.now(),
  key = secret,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'workos-signature': signatureHeader(body, key, timestampMs),
  };
}

/** Hand `eventBody(id)`, signed now, to `receiver` as a POST; the status it answers. */
export async function receive(
  receiver: { handle: (request: ReceiverRequest) => Promise<{ status: number }> },
  id: string,
): Promise<number> {
  const body = eventBody(id);
  const res = await receiver.handle({
    method: 'POST',
    headers: signedHeaders(body),
    body: Buffer.from(body),
  });
  return res.status;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One real HTTP request over loopback; resolves with the answer, rejects on socket errors. */
export function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const headers = { ...options.headers };
    // Node's client sends a GET body with no framing at all unless told its length.
    if (options.body !== undefined && !headers['transfer-encoding'] && !headers['content-length']) {
      headers['content-length'] = String(Buffer.byteLength(options.body));
    }
    const req = httpRequest(
      url,
      { method: options.method ?? 'POST', headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

/** Listen on a random loopback port; returns the base URL. */
export function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${port}`);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** A clock tests move by hand. */
export function manualClock(startMs = Date.parse('2026-11-27T12:00:00.000Z')): {
  now(): number;
  advance(ms: number): void;
  set(ms: number): void;
} {
  let t = startMs;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    set: (ms) => {
      t = ms;
    },
  };
}
