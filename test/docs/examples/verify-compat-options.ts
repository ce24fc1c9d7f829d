// docs/verification.md "Coming from @workos-inc/node".
import { generateTestWebhook } from 'workos-inbox/testing';
import { fromTest } from './wiring.js';

const delivery = generateTestWebhook({ secret: fromTest('WORKOS_WEBHOOK_SECRET') });
const rawBody = Buffer.from(delivery.body);
const req = { headers: delivery.headers as Record<string, string | string[] | undefined> };

// #region verify-compat-options
import { WorkOS, SignatureVerificationException } from 'workos-inbox'; // was '@workos-inc/node'

const workos = new WorkOS(process.env.WORKOS_API_KEY);
const event = await workos.webhooks.constructEvent({
  payload: rawBody, // string | Buffer | Uint8Array | ArrayBuffer (a parsed object still works)
  sigHeader: req.headers['workos-signature'] as string,
  secret: process.env.WORKOS_WEBHOOK_SECRET!,
  tolerance: 180000, // optional, milliseconds
});
// #endregion verify-compat-options

export { delivery, event, SignatureVerificationException };
