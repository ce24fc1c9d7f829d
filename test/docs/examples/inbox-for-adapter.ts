// Shared by the adapter examples: the `inbox` their snippets take from their surroundings.
import { createInbox } from 'workos-inbox';
import { fromTest } from './wiring.js';

export const inbox = await createInbox({
  database: fromTest('DATABASE_URL'),
  secret: fromTest('WORKOS_WEBHOOK_SECRET'),
  mirror: false,
});
