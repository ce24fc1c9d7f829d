// Runs the README's snippet in which the official SDK reads `GET /events` from serve
// (examples/sdk-reads-events.ts), against serve's request handler on a free port.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createInbox } from '../../src/inbox/create-inbox.js';
import { createMirrorHandler } from '../../src/server/mirror-routes.js';
import { generateTestWebhook, sampleEvent } from '../../src/testing/index.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { startServeRoutes } from '../helpers/serve-routes.js';
import { readAMinuteLater } from '../events-api/serve-events-api.js';

const secret = 'whsec_docs_events';
const token = 'admin_token_docs_events';

describe('README: the official SDK reads GET /events from serve', () => {
  const temp = createTempSqlitePath();
  afterAll(() => temp.cleanup());

  it('lists the stored dsync.user.created events, oldest first, and no other name', async () => {
    const inbox = await createInbox({ database: temp.path, secret });
    const sent = [
      sampleEvent('dsync.user.created', { seed: 1 }),
      sampleEvent('dsync.group.created', { seed: 2 }),
      sampleEvent('dsync.user.created', { seed: 3 }),
    ];
    for (const payload of sent) {
      const { body, headers } = generateTestWebhook({ secret, payload });
      const res = await inbox.fetch(
        new Request('http://inbox.test/webhooks/workos', { method: 'POST', body, headers }),
      );
      expect(res.status).toBe(200);
    }
    const http = await startServeRoutes(
      {
        store: inbox.store,
        webhookPath: '/webhooks/workos',
        adminToken: token,
        // Read a minute later: GET /events holds the newest events back from asc reads.
        mirror: createMirrorHandler(inbox.store, readAMinuteLater),
      },
      { maxHeaderBytes: 8192, requestTimeoutMs: 5000 },
    );
    try {
      vi.stubEnv('ADMIN_TOKEN', token);
      vi.stubEnv('EVENTS_URL', `${http.url}/`);
      const { data } = await import('./examples/sdk-reads-events.js');
      const created = sent.filter((e) => e.event === 'dsync.user.created');
      expect(data.map((e) => e.id).sort()).toEqual(created.map((e) => e.id).sort());
      expect(data.every((e) => e.event === 'dsync.user.created')).toBe(true);
    } finally {
      vi.unstubAllEnvs();
      await http.close(1000);
      await inbox.close();
    }
  });
});
