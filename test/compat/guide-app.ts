// The guide's snippets (shared/seed/workos-webhooks-guide.txt) as an Express app, with only the
// import changed from '@workos-inc/node' to 'workos-inbox'. guide.test.ts drives it over HTTP.
// Where a snippet is not type-correct against the SDK either (`data.groups`,
// `data.connectionType`), the value is read through `any`, as the guide's Complete Example does.
/* eslint-disable @typescript-eslint/no-explicit-any */
import express from 'express';
import { WorkOS, SignatureVerificationException } from 'workos-inbox';
import type { Event } from 'workos-inbox';

/** What the snippets handled, and the in-memory `db` the guide's code writes to. */
export const handled: unknown[] = [];
export const db = {
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

export function resetGuideState(): void {
  handled.length = 0;
  processedEvents.clear();
  completeProcessed.clear();
  db.rows.clear();
}

/** Every route of the guide on one app (the Complete Example under /complete). Reads process.env as the guide does. */
export function createGuideApp(): express.Express {
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

  // --- 1. Respond Quickly -------------------------------------------------------------------------
  const processWebhookAsync = handleWebhookEvent;
  app.post('/respond-quickly', async (req, res) => {
    try {
      const webhook = await workos.webhooks.constructEvent({
        payload: req.body,
        sigHeader: req.headers['workos-signature'] as string,
        secret: process.env.WORKOS_WEBHOOK_SECRET,
      });
      // Respond immediately
      res.sendStatus(200);
      // Process asynchronously
      processWebhookAsync(webhook).catch(console.error);
    } catch {
      res.sendStatus(400);
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
  return app;
}

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
