// docs/events.md "Test helpers". The test runs an inbox and passes its URL; the snippet's
// requests for 127.0.0.1:3000 go there.
import { WorkOS } from 'workos-inbox';
import { fromTest, redirectFetch } from './wiring.js';

redirectFetch('http://127.0.0.1:3000/', fromTest('INBOX_URL'));
const secret = fromTest('WORKOS_WEBHOOK_SECRET');
const workos = new WorkOS();

// #region testing-samples
import { sampleEvent, generateTestWebhook } from 'workos-inbox/testing';

// A realistic wire event for any of the 91 names, the same for the same seed.
const event = sampleEvent('dsync.user.created', {
  seed: 7,
  createdAt: new Date(), // default: a fixed time derived from the seed
  overrides: { data: { email: 'ada@example.com', custom_attributes: undefined } },
});
// event.data.id: 'directory_user_01KF…', event.data.email: 'ada@example.com',
// custom_attributes removed (an `undefined` override deletes the key; arrays are replaced).

// A signed delivery, like the WorkOS guide's generateTestWebhook().
const { body, headers, payload } = generateTestWebhook({
  secret: process.env.WORKOS_WEBHOOK_SECRET, // default: that variable, else 'whsec_test'
  event: 'user.created',
  seed: 1,
});
await fetch('http://127.0.0.1:3000/webhooks/workos', { method: 'POST', body, headers });

// Or with the official SDK's API:
const verified = await workos.webhooks.constructEvent({
  payload: body,
  sigHeader: headers['workos-signature'],
  secret,
});
// #endregion testing-samples

export { event, payload, verified };
