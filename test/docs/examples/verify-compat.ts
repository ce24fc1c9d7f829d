// README "Verification: change the import".
import { generateTestWebhook } from 'workos-inbox/testing';
import { fromTest } from './wiring.js';

// What your HTTP framework hands the snippet: the raw body and the request's headers.
const delivery = generateTestWebhook({ secret: fromTest('WORKOS_WEBHOOK_SECRET') });
const rawBody = delivery.body;
const req = { headers: delivery.headers as Record<string, string | string[] | undefined> };

// #region change-the-import
import { WorkOS, SignatureVerificationException } from 'workos-inbox';

const workos = new WorkOS(process.env.WORKOS_API_KEY); // no key needed: only .webhooks exists
const webhook = await workos.webhooks.constructEvent({
  payload: rawBody, // string, Buffer, Uint8Array or ArrayBuffer (a parsed object still works)
  sigHeader: req.headers['workos-signature'] as string,
  secret: process.env.WORKOS_WEBHOOK_SECRET!, // or [oldSecret, newSecret] while rotating
});
// #endregion change-the-import

export { delivery, webhook, SignatureVerificationException };
