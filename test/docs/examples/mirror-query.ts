// docs/mirror.md and README "The directory mirror": query the mirror in code. The test has
// already stored and processed a directory's history in DATABASE_URL.
// #region mirror-query
import { createInbox } from 'workos-inbox';

const inbox = await createInbox({
  database: process.env.DATABASE_URL ?? 'inbox.db',
  secret: process.env.WORKOS_WEBHOOK_SECRET!,
  // mirror: false turns it off; mirror: ['dsync'] limits it to some families.
});
await inbox.start();

// #region mirror-query-short
import { createMirror } from 'workos-inbox';

const mirror = createMirror(inbox.store);
const { data } = await mirror.directoryUsers.list({
  group: 'directory_group_01HV3ZQ5X1Y8D2K7M4N6P9R0ST',
  state: 'active',
});
// #endregion mirror-query-short
// #endregion mirror-query

await inbox.close();
export { data };
