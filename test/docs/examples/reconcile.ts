// README "Reconcile from code": reconcile the mirror in a script of your own. The test points
// WORKOS_API_URL at the stand-in WorkOS API and DATABASE_URL at an empty database.
// #region reconcile
import { createInbox, reconcile, ReconcileStoppedError, WorkosApiClient } from 'workos-inbox';

const inbox = await createInbox({
  database: process.env.DATABASE_URL ?? 'inbox.db',
  secret: process.env.WORKOS_WEBHOOK_SECRET!,
});
// WORKOS_API_URL is for tests and proxies; the default is WorkOS's API.
const api = new WorkosApiClient({
  apiKey: process.env.WORKOS_API_KEY!,
  apiUrl: process.env.WORKOS_API_URL,
});
try {
  const { counts } = await reconcile({ db: inbox.store, api, scope: { only: ['dsync'] } });
  console.log(counts.directory_users); // { created, updated, deleted, unchanged }
} catch (error) {
  // Each page commits on its own: what was compared before it stopped is written and counted.
  if (error instanceof ReconcileStoppedError) console.error(error.message, error.counts);
  else throw error;
}
await inbox.close();
// #endregion reconcile
