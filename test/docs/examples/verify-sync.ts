// README: the synchronous verifier, during a secret rotation.
import { generateTestWebhook } from 'workos-inbox/testing';
import { fromTest } from './wiring.js';

const current = fromTest('CURRENT_SECRET');
const previous = fromTest('PREVIOUS_SECRET');
// Signed with the previous secret: WorkOS has not switched yet.
const delivery = generateTestWebhook({ secret: previous, event: 'dsync.group.created' });
const rawBody = Buffer.from(delivery.body);
const sigHeader = delivery.headers['workos-signature'];

// #region sync-verifier
import { createVerifier } from 'workos-inbox';

const verifier = createVerifier({ secret: [current, previous], toleranceMs: 180_000 });
const event = verifier.constructEvent(rawBody, sigHeader); // verify + parse + deserialize
const wire = verifier.verifyAndParse(rawBody, sigHeader); // verify + parse, snake_case
// #endregion sync-verifier

export { delivery, event, wire };
