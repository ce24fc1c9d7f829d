// `serve --retention`, the built CLI as a user runs it: signed webhooks are processed, then pruned
// by the background loop once older than the window (payload gone, id, name and times kept), and
// WorkOS redelivering one of them afterwards is answered as a duplicate that no handler runs.
// The window's minimum is a minute, so this test takes a little over one; each wait is on a state.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTestWebhook } from '../../src/testing/generate-test-webhook.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { ensureBuilt, killAll, listEvents, runCli, startServe, waitFor } from './cli-harness.js';

const secret = 'whsec_retention_e2e_0123456789';
const temp = createTempSqlitePath();
const handlersModule = `
import { appendFileSync } from 'node:fs';
export default { '*': (event) => appendFileSync('handled.log', event.id + '\\n') };
`;
const handled = () =>
  readFileSync(join(temp.dir, 'handled.log'), 'utf8').split('\n').filter(Boolean);

beforeAll(() => {
  ensureBuilt();
  writeFileSync(join(temp.dir, 'handlers.mjs'), handlersModule);
});
afterAll(() => {
  killAll();
  temp.cleanup();
});

describe('serve --retention', () => {
  it('prunes processed events once old enough; a redelivery is still a duplicate', async () => {
    const env = { DATABASE_URL: temp.path, WORKOS_WEBHOOK_SECRET: secret };
    const serve = await startServe(
      ['--retention', '1m', '--retention-interval', '2s', '--handlers', './handlers.mjs'],
      { cwd: temp.dir, env },
    );
    const url = `${serve.base}/webhooks/workos`;
    const post = (body: string) =>
      fetch(url, { method: 'POST', body, headers: generateTestWebhook({ body, secret }).headers });
    try {
      const bodies = [1, 2, 3].map((seed) => generateTestWebhook({ seed, secret }).body);
      const ids = bodies.map((body) => (JSON.parse(body) as { id: string }).id);
      for (const body of bodies) expect((await post(body)).status).toBe(200);
      await waitFor(async () => {
        const events = await listEvents(temp.dir, [], env);
        return events.length === 3 && events.every((e) => e.status === 'done');
      }, 'the three events to be processed');
      expect(handled().sort()).toEqual([...ids].sort());

      const show = async (id: string) => {
        const shown = await runCli(['events', 'show', id, '--json'], { cwd: temp.dir, env });
        expect(shown.code, shown.stderr).toBe(0);
        return JSON.parse(shown.stdout) as {
          id: string;
          status: string;
          prunedAt: string | null;
          payload: unknown;
        };
      };
      expect(await show(ids[0]!)).toMatchObject({ prunedAt: null, payload: { id: ids[0] } });

      // A minute after they were received, the next run prunes them.
      for (const id of ids) {
        const pruned = await waitFor(async () => {
          const event = await show(id);
          return event.prunedAt !== null && event;
        }, `retention to prune ${id}`);
        expect(pruned).toMatchObject({ id, status: 'done', payload: null });
      }
      expect(serve.output().stdout).toContain('"msg":"retention: pruned processed events"');

      // WorkOS redelivers the first event, freshly signed: a duplicate, and no handler runs.
      const again = await post(bodies[0]!);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ status: 'duplicate' });
      const metrics = await (await fetch(`${serve.base}/metrics`)).text();
      expect(metrics).toMatch(/^workos_inbox_events_duplicate_total\{source="webhook"\} 1$/m);
      expect(await listEvents(temp.dir, [], env)).toHaveLength(3);
      expect(await serve.stop()).toBe(0);
      expect(handled().sort()).toEqual([...ids].sort());
    } finally {
      await serve.stop('SIGKILL');
    }
  });
});
