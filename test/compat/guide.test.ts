// Drives every snippet of the guide (guide-app.ts) over real HTTP and compares what it handled
// with what @workos-inc/node 11.0.0 returns for the same delivery.
/* eslint-disable @typescript-eslint/no-explicit-any */
import crypto from 'crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { WorkOS as SdkWorkOS } from '@workos-inc/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkOS } from 'workos-inbox';
import { createGuideApp, db, handled, resetGuideState } from './guide-app.js';

const secret = 'whsec_guide_test';
const logs: unknown[][] = [];

function sign(body: string, t = Date.now()): string {
  const hash = crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t}, v1=${hash}`;
}

const wire = {
  id: 'event_01HGUIDE',
  event: 'dsync.user.created',
  data: {
    object: 'directory_user',
    id: 'directory_user_01',
    directory_id: 'directory_01',
    organization_id: 'org_01',
    idp_id: 'idp_1',
    first_name: 'Ada',
    last_name: 'Lovelace',
    email: 'ada@example.com',
    state: 'active',
    raw_attributes: {},
    custom_attributes: {},
    created_at: '2024-01-01T00:00:00.000Z',
    updated_at: '2024-01-01T00:00:00.000Z',
  },
  created_at: '2024-01-01T00:00:00.000Z',
};
const compact = JSON.stringify(wire);

let server: Server;
let url: string;

beforeAll(async () => {
  vi.stubEnv('WORKOS_WEBHOOK_SECRET', secret);
  vi.stubEnv('WORKOS_API_KEY', undefined as unknown as string);
  vi.spyOn(console, 'log').mockImplementation((...args) => void logs.push(args));
  vi.spyOn(console, 'error').mockImplementation((...args) => void logs.push(args));
  const app = createGuideApp();
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  resetGuideState();
  logs.length = 0;
});

function post(path: string, body: string, sigHeader?: string): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (sigHeader !== undefined) headers['workos-signature'] = sigHeader;
  return fetch(`${url}${path}`, { method: 'POST', headers, body });
}

async function sdkEvent(body: string, sigHeader: string): Promise<unknown> {
  return new SdkWorkOS({ clientId: 'client_x' }).webhooks.constructEvent({
    payload: JSON.parse(body) as object,
    sigHeader,
    secret,
  });
}

describe('the guide, run with workos-inbox', () => {
  it('Create Webhook Endpoint: a signed delivery is answered 200 and handled', async () => {
    const sig = sign(compact);
    expect((await post('/webhooks/workos', compact, sig)).status).toBe(200);
    expect(handled).toEqual([((await sdkEvent(compact, sig)) as { data: unknown }).data]);
  });

  it('Create Webhook Endpoint: a bad signature, a missing header or a stale one is answered 400', async () => {
    expect((await post('/webhooks/workos', compact, sign('{}'))).status).toBe(400);
    expect((await post('/webhooks/workos', compact)).status).toBe(400);
    expect(
      (await post('/webhooks/workos', compact, sign(compact, Date.now() - 181_000))).status,
    ).toBe(400);
    expect(handled).toEqual([]);
  });

  it('Verify Webhook Signatures with tolerance: returns the same event as the SDK', async () => {
    const sig = sign(compact);
    expect((await post('/verify-with-tolerance', compact, sig)).status).toBe(200);
    expect(handled).toEqual([await sdkEvent(compact, sig)]);
  });

  it('Manual Signature Verification: verifyHeader then the parsed body', async () => {
    expect((await post('/manual', compact, sign(compact))).status).toBe(200);
    expect((await post('/manual', compact, sign(compact.replace('Ada', 'Eve')))).status).toBe(400);
  });

  it('Compute Signature and getTimestampAndSignatureHash (destructured by name)', async () => {
    const t = Date.now();
    const sig = sign(compact, t);
    const res = await post('/compute', compact, sig);
    const json = (await res.json()) as Record<string, string>;
    expect(json.timestamp).toBe(String(t));
    expect(json.signatureHash).toBe(sig.split('v1=')[1]);
    expect(json.signature).toMatch(/^[0-9a-f]{64}$/);
  });

  it('Error Handling: 401 for a bad signature, 200 (once) for a good one and its duplicate', async () => {
    expect((await post('/error-handling', compact, sign('tampered'))).status).toBe(401);
    const sig = sign(compact);
    expect((await post('/error-handling', compact, sig)).status).toBe(200);
    expect((await post('/error-handling', compact, sig)).status).toBe(200);
    expect(handled).toHaveLength(1);
    expect(db.rows.size).toBe(1);
  });

  it('1. Respond Quickly: 200 first, then the event is processed', async () => {
    expect((await post('/respond-quickly', compact, sign(compact))).status).toBe(200);
    await vi.waitFor(() => expect(db.rows.size).toBe(1));
    expect((await post('/respond-quickly', compact, sign('other'))).status).toBe(400);
  });

  it('Secure Your Endpoint: 401 with the guide text for an invalid signature', async () => {
    const res = await post('/secure', compact, sign('x'));
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('Invalid signature');
    expect((await post('/secure', compact, sign(compact))).status).toBe(200);
  });

  it('Complete Example: stores the user the SDK would have produced, and 401s a forgery', async () => {
    const sig = sign(compact);
    expect((await post('/complete/webhooks/workos', compact, sig)).status).toBe(200);
    await vi.waitFor(() => expect(db.rows.size).toBe(1));
    const sdk = (await sdkEvent(compact, sig)) as { data: Record<string, unknown> };
    expect(db.rows.get('directory_user_01')).toEqual({
      directoryUserId: sdk.data.id,
      email: sdk.data.email,
      firstName: sdk.data.firstName,
      lastName: sdk.data.lastName,
      state: sdk.data.state,
      organizationId: sdk.data.organizationId,
    });
    expect((await post('/complete/webhooks/workos', compact, sign('forged'))).status).toBe(401);
  });

  it('Testing Webhooks: generateTestWebhook() verifies with constructEvent', async () => {
    const workos = new WorkOS(process.env.WORKOS_API_KEY);
    // Generate test webhook (verbatim from the guide)
    function generateTestWebhook() {
      const timestamp = Date.now();
      const payload = {
        id: 'wh_test_123',
        event: 'dsync.user.created',
        data: {
          id: 'directory_user_123',
          email: 'test@example.com',
          firstName: 'Test',
          lastName: 'User',
          state: 'active',
          directoryId: 'directory_123',
          organizationId: 'org_123',
          groups: [],
        },
      };
      const secret = process.env.WORKOS_WEBHOOK_SECRET as string;
      const unhashedString = `${timestamp}.${JSON.stringify(payload)}`;
      const signatureHash = crypto
        .createHmac('sha256', secret)
        .update(unhashedString)
        .digest('hex');
      return {
        payload,
        headers: {
          'workos-signature': `t=${timestamp}, v1=${signatureHash}`,
        },
      };
    }
    // Test your webhook handler
    const { payload, headers } = generateTestWebhook();
    const webhook = await workos.webhooks.constructEvent({
      payload,
      sigHeader: headers['workos-signature'],
      secret: process.env.WORKOS_WEBHOOK_SECRET,
    });
    console.log('Test webhook verified:', webhook.event);
    expect(webhook.event).toBe('dsync.user.created');
    expect(webhook).toEqual(
      await new SdkWorkOS({ clientId: 'client_x' }).webhooks.constructEvent({
        payload,
        sigHeader: headers['workos-signature'],
        secret,
      }),
    );
  });

  it('Common Webhook Events snippets run on the returned event', async () => {
    const workos = new WorkOS(process.env.WORKOS_API_KEY);
    const req = { body: wire, headers: { 'workos-signature': sign(compact) } };
    // dsync.user.created
    const webhook: any = await workos.webhooks.constructEvent({
      payload: req.body,
      sigHeader: req.headers['workos-signature'],
      secret: process.env.WORKOS_WEBHOOK_SECRET,
    });
    if (webhook.event === 'dsync.user.created') {
      console.log('New user:', webhook.data.id);
      console.log('Email:', webhook.data.email);
      console.log('First name:', webhook.data.firstName);
      console.log('Last name:', webhook.data.lastName);
      console.log('State:', webhook.data.state);
      console.log('Groups:', webhook.data.groups);
      console.log('Directory:', webhook.data.directoryId);
      console.log('Organization:', webhook.data.organizationId);
    }
    expect(webhook).toEqual(await sdkEvent(compact, req.headers['workos-signature']));
    expect(logs).toContainEqual(['First name:', 'Ada']);
  });

  it.each([
    [
      'dsync.group.created',
      {
        id: 'directory_group_01',
        idp_id: 'g1',
        directory_id: 'directory_01',
        organization_id: 'org_01',
        name: 'Engineering',
        created_at: '2024-01-01T00:00:00.000Z',
        updated_at: '2024-01-01T00:00:00.000Z',
        raw_attributes: {},
      },
      ['Group created:', 'Engineering'],
    ],
    [
      'connection.activated',
      {
        object: 'connection',
        id: 'conn_01',
        organization_id: 'org_01',
        name: 'Okta',
        connection_type: 'OktaSAML',
        state: 'active',
        domains: [],
        created_at: '2024-01-01T00:00:00.000Z',
        updated_at: '2024-01-01T00:00:00.000Z',
      },
      ['Connection activated:', 'conn_01'],
    ],
  ])('Group and Connection Events snippets run on a %s event', async (name, data, logged) => {
    const workos = new WorkOS(process.env.WORKOS_API_KEY);
    const body = JSON.stringify({ id: `event_${name}`, event: name, data, created_at: 'c' });
    const sigHeader = sign(body);
    const webhook: any = await workos.webhooks.constructEvent({
      payload: JSON.parse(body) as object,
      sigHeader,
      secret: process.env.WORKOS_WEBHOOK_SECRET,
    });
    switch (webhook.event) {
      case 'dsync.group.created':
        console.log('Group created:', webhook.data.name);
        break;
      case 'dsync.group.updated':
        console.log('Group updated:', webhook.data.name);
        break;
      case 'dsync.group.deleted':
        console.log('Group deleted:', webhook.data.id);
        break;
    }
    if (webhook.event === 'connection.activated') {
      console.log('Connection activated:', webhook.data.id);
      // The guide reads connectionType; the SDK (and so we) deserialize it as `type`.
      console.log('Connection type:', webhook.data.connectionType);
      console.log('Organization:', webhook.data.organizationId);
    }
    expect(logs).toContainEqual(logged);
    expect(webhook).toEqual(await sdkEvent(body, sigHeader));
  });
});
