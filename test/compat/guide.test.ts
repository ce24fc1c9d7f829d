// Every snippet of the guide users arrive with (shared/seed/workos-webhooks-guide.txt), with only
// the import changed from '@workos-inc/node' to 'workos-inbox', run over real HTTP where the guide
// shows an Express route. Where the snippet's code is not type-correct against the SDK either
// (`data.groups`, `data.connectionType`), the value is read through `any`, as the guide's own
// Complete Example does.
/* eslint-disable @typescript-eslint/no-explicit-any */
import crypto from 'crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { WorkOS as SdkWorkOS } from '@workos-inc/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { WorkOS, SignatureVerificationException } from 'workos-inbox';
import type { Event } from 'workos-inbox';

const secret = 'whsec_guide_test';
const handled: unknown[] = [];
const logs: unknown[][] = [];

function startServer(app: express.Express): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

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
const db = {
  rows: new Map<string, Record<string, unknown>>(),
  users: {
    create: async (row: Record<string, unknown>) => {
      db.rows.set(String(row.directoryUserId), row);
    },
    update: async (where: { directoryUserId: string }, row: Record<string, unknown>) => {
      db.rows.set(where.directoryUserId, { ...db.rows.get(where.directoryUserId), ...row });
    },
    delete: async (where: { directoryUserId: string }) => {
      db.rows.delete(where.directoryUserId);
    },
    findOne: async (where: { directoryUserId: string }) => db.rows.get(where.directoryUserId),
  },
};

beforeAll(async () => {
  vi.stubEnv('WORKOS_WEBHOOK_SECRET', secret);
  vi.stubEnv('WORKOS_API_KEY', undefined as unknown as string);
  vi.spyOn(console, 'log').mockImplementation((...args) => void logs.push(args));
  vi.spyOn(console, 'error').mockImplementation((...args) => void logs.push(args));

  // --- Prerequisites / Create Webhook Endpoint ---------------------------------------------
  const app = express();
  const workos = new WorkOS(process.env.WORKOS_API_KEY);
  // Important: Use express.json() middleware
  app.use(express.json());
  app.post('/webhooks/workos', async (req, res) => {
    try {
      const webhook = await workos.webhooks.constructEvent({
        payload: req.body,
        sigHeader: req.headers['workos-signature'] as string,
        secret: process.env.WORKOS_WEBHOOK_SECRET,
      });
      console.log('Webhook event:', webhook.event);
      console.log('Event data:', webhook.data);
      // Process the event
      await handleWebhookEvent(webhook);
      res.sendStatus(200);
    } catch (error) {
      console.error('Webhook verification failed:', error);
      res.sendStatus(400);
    }
  });

  // --- Verify Webhook Signatures (with tolerance) ---------------------------------------------
  app.post('/verify-with-tolerance', async (req, res) => {
    try {
      const webhook = await workos.webhooks.constructEvent({
        payload: req.body,
        sigHeader: req.headers['workos-signature'] as string,
        secret: process.env.WORKOS_WEBHOOK_SECRET,
        tolerance: 180000, // Optional: 180 seconds (default)
      });
      handled.push(webhook);
      res.sendStatus(200);
    } catch {
      res.sendStatus(400);
    }
  });

  // --- Advanced Verification: Manual Signature Verification ---------------------------------
  app.post('/manual', async (req, res) => {
    try {
      await workos.webhooks.verifyHeader({
        payload: req.body,
        sigHeader: req.headers['workos-signature'] as string,
        secret: process.env.WORKOS_WEBHOOK_SECRET,
        tolerance: 180000,
      });
      // Signature is valid, process the webhook
      const webhook = req.body;
      await handleWebhookEvent(webhook);
      res.sendStatus(200);
    } catch (error) {
      console.error('Signature verification failed:', error);
      res.sendStatus(400);
    }
  });

  // --- Compute Signature / getTimestampAndSignatureHash ---------------------------------------
  app.post('/compute', async (req, res) => {
    const timestamp = Date.now();
    const signature = await workos.webhooks.computeSignature(
      timestamp,
      req.body,
      process.env.WORKOS_WEBHOOK_SECRET as string,
    );
    console.log('Expected signature:', signature);
    {
      const { timestamp, signatureHash } = workos.webhooks.getTimestampAndSignatureHash(
        req.headers['workos-signature'] as string,
      );
      console.log('Timestamp:', timestamp);
      console.log('Signature:', signatureHash);
      res.json({ signature, timestamp, signatureHash });
    }
  });

  // --- Error Handling ---------------------------------------------------------------------------
  app.post('/error-handling', async (req, res) => {
    try {
      const webhook = await workos.webhooks.constructEvent({
        payload: req.body,
        sigHeader: req.headers['workos-signature'] as string,
        secret: process.env.WORKOS_WEBHOOK_SECRET,
      });
      await processWebhook(webhook);
      res.sendStatus(200);
    } catch (error) {
      if (error instanceof SignatureVerificationException) {
        console.error('Invalid webhook signature');
        return res.sendStatus(401);
      }
      console.error('Webhook processing error:', error);
      res.sendStatus(500);
    }
  });

  // --- 4. Secure Your Endpoint ------------------------------------------------------------------
  app.post('/secure', async (req, res) => {
    if (process.env.NODE_ENV === 'production' && !req.secure) {
      return res.status(403).send('HTTPS required');
    }
    try {
      await workos.webhooks.verifyHeader({
        payload: req.body,
        sigHeader: req.headers['workos-signature'] as string,
        secret: process.env.WORKOS_WEBHOOK_SECRET,
      });
    } catch {
      return res.status(401).send('Invalid signature');
    }
    res.sendStatus(200);
  });

  // --- Complete Example (its own app, as in the guide) ----------------------------------------
  const complete = express();
  complete.use(express.json());
  complete.post('/webhooks/workos', async (req, res) => {
    try {
      const webhook = await workos.webhooks.constructEvent({
        payload: req.body,
        sigHeader: req.headers['workos-signature'] as string,
        secret: process.env.WORKOS_WEBHOOK_SECRET,
      });
      // Respond immediately
      res.sendStatus(200);
      // Process asynchronously
      completeProcessWebhook(webhook).catch((error) => {
        console.error('Webhook processing failed:', error);
      });
    } catch (error) {
      if (error instanceof SignatureVerificationException) {
        console.error('Invalid webhook signature');
        return res.sendStatus(401);
      }
      console.error('Webhook error:', error);
      res.sendStatus(400);
    }
  });
  app.use('/complete', complete);

  ({ server, url } = await startServer(app));
});

afterAll(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  handled.length = 0;
  processedEvents.clear();
  completeProcessed.clear();
  db.rows.clear();
});

// --- Handle Different Event Types ---------------------------------------------------------------
async function handleWebhookEvent(webhook: Event) {
  switch (webhook.event) {
    case 'dsync.user.created':
      await handleUserCreated(webhook.data);
      break;
    case 'dsync.user.updated':
      await handleUserCreated(webhook.data);
      break;
    default:
      console.log('Unhandled event type:', webhook.event);
  }
}
async function handleUserCreated(user: any) {
  handled.push(user);
  // 3. Implement Retries: check if user already exists
  const existing = await db.users.findOne({ directoryUserId: user.id });
  if (existing) {
    return db.users.update({ directoryUserId: user.id }, { ...user });
  }
  return db.users.create({ directoryUserId: user.id, ...user });
}

// --- 2. Handle Duplicates -----------------------------------------------------------------------
const processedEvents = new Set();
async function processWebhook(webhook: Event) {
  if (processedEvents.has(webhook.id)) {
    console.log('Duplicate event, skipping:', webhook.id);
    return;
  }
  processedEvents.add(webhook.id);
  await handleWebhookEvent(webhook);
}

// --- Complete Example's processWebhook ----------------------------------------------------------
const completeProcessed = new Set<string>();
async function completeProcessWebhook(webhook: any) {
  if (completeProcessed.has(webhook.id)) {
    console.log('Duplicate event:', webhook.id);
    return;
  }
  completeProcessed.add(webhook.id);
  switch (webhook.event) {
    case 'dsync.user.created':
      await db.users.create({
        directoryUserId: webhook.data.id,
        email: webhook.data.email,
        firstName: webhook.data.firstName,
        lastName: webhook.data.lastName,
        state: webhook.data.state,
        organizationId: webhook.data.organizationId,
      });
      console.log('User created:', webhook.data.email);
      break;
    case 'dsync.user.deleted':
      await db.users.delete({ directoryUserId: webhook.data.id });
      break;
    default:
      console.log('Unhandled event type:', webhook.event);
  }
}

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
  });
});
