// Runs README "Reconcile from code" (examples/reconcile.ts) against the stand-in WorkOS API and
// an empty SQLite database: the mirror ends with WorkOS's directory users.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createInbox } from '../../src/inbox/create-inbox.js';
import { createMirror } from '../../src/mirror/index.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { startWorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import type { WorkosApiStandIn } from '../helpers/workos-api-stand-in.js';
import { sampleState } from '../helpers/workos-state-fixtures.js';

const temp = createTempSqlitePath();
const secret = 'whsec_docs_reconcile';
let api: WorkosApiStandIn;
beforeAll(async () => {
  api = await startWorkosApiStandIn();
});
afterAll(async () => {
  await api.close();
  temp.cleanup();
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('README: reconcile from code', () => {
  it("fills an empty mirror with WorkOS's directory users and logs the counts", async () => {
    api.state = sampleState({ users: 7 });
    vi.stubEnv('DATABASE_URL', temp.path);
    vi.stubEnv('WORKOS_WEBHOOK_SECRET', secret);
    vi.stubEnv('WORKOS_API_KEY', api.apiKey);
    vi.stubEnv('WORKOS_API_URL', api.url);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await import('./examples/reconcile.js');
    expect(log).toHaveBeenCalledWith({ created: 7, updated: 0, deleted: 0, unchanged: 0 });

    const inbox = await createInbox({ database: temp.path, secret });
    try {
      const { data } = await createMirror(inbox.store).directoryUsers.list({
        directory: 'directory_1',
      });
      expect(data.map((u) => u.id).sort()).toEqual(
        api.state.directoryUsers.map((u) => String(u.id)).sort(),
      );
    } finally {
      await inbox.close();
    }
  });
});
