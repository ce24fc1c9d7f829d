// docs/verification.md "The fast path".
import { generateTestWebhook } from 'workos-inbox/testing';

process.env.WORKOS_WEBHOOK_SECRET ??= 'whsec_docs_example';
const delivery = generateTestWebhook({ event: 'organization.created' });
const rawBody = delivery.body;
const sigHeader = delivery.headers['workos-signature'];

// #region verifier-options
import { createVerifier } from 'workos-inbox';

const verifier = createVerifier({
  secret: process.env.WORKOS_WEBHOOK_SECRET!, // or ['whsec_old', 'whsec_new'] while rotating
  toleranceMs: 180_000, // default
  // clock: { now: () => Date.now() }, // injectable
});

const signature = verifier.verify(rawBody, sigHeader); // → { timestampMs, secretIndex }
const wire = verifier.verifyAndParse(rawBody, sigHeader); // → WireEvent (snake_case, envelope checked)
const event = verifier.constructEvent(rawBody, sigHeader); // → Event, the same value as the SDK's
// #endregion verifier-options

export { delivery, signature, wire, event };
