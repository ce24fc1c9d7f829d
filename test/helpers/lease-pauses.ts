// The pauses WorkOS asked for (a Retry-After longer than the client waits) are kept with the
// named leases: a test that goes on after one moves them into the past, as if their time had come,
// rather than waiting for it.
import { openStore } from '../../src/store/open-store.js';

/** End every pause recorded on `database`'s named leases: their time has come. */
export async function endLeasePauses(database: string): Promise<void> {
  const store = await openStore({ database });
  try {
    await store.writeTransaction((tx) =>
      tx.query(
        'UPDATE workos_inbox_named_leases SET paused_until = $1 WHERE paused_until IS NOT NULL',
        [new Date(Date.now() - 1000)],
      ),
    );
  } finally {
    await store.close();
  }
}
