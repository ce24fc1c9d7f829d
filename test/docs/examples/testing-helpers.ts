// README "Testing your own code". The test runs an inbox at WEBHOOK_URL.
import { fromTest } from './wiring.js';

const secret = fromTest('WORKOS_WEBHOOK_SECRET');
const url = fromTest('WEBHOOK_URL');

// #region testing-helpers
import { generateTestWebhook, sampleEvent } from 'workos-inbox/testing';

const { body, headers } = generateTestWebhook({ secret, event: 'dsync.user.created' });
const response = await fetch(url, { method: 'POST', headers, body });
const wire = sampleEvent('dsync.group.user_added', {
  seed: 7,
  overrides: { data: { group: { name: 'Admins' } } },
});
// #endregion testing-helpers

export { body, response, wire };
