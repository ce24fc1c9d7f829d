// docs/events.md "Validation". The test passes a delivery's body whose data.email is a number.
import { fromTest } from './wiring.js';

const body = fromTest('BODY');

// #region validate-event
import { checkEnvelope, validateEvent, EventValidationError } from 'workos-inbox';

checkEnvelope(JSON.parse(body)); // cheap: string id, event, created_at; object data
try {
  validateEvent(JSON.parse(body), { strictEnums: true });
} catch (error) {
  if (error instanceof EventValidationError) {
    console.log(error.code); // 'invalid_data'
    console.log(error.message); // 'Invalid WorkOS event: data.email: expected string | null, received number'
    console.log(error.issues); // [{ path: 'data.email', expected: 'string | null', received: 'number' }]
  }
}
// #endregion validate-event
