// SIGKILL of `serve` (the built CLI) while deliveries are in flight loses none: after a restart
// every event reaches the destination (at least once), on SQLite and PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleEvent } from '../../src/testing/sample-event.js';
import { startEndpoint, until } from '../forward/helpers/endpoint.js';
import { createTestDatabase } from '../helpers/postgres.js';
import { signedHeaders } from '../inbox/helpers/events.js';
import { ensureBuilt, killAll, runCli, startServe } from './cli-harness.js';

const secret = 'whsec_forward_sigkill_test';

describe.each(['sqlite', 'postgres'] as const)('forwarding survives SIGKILL on %s', (kind) => {
  let cwd: string;
  beforeAll(() => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-forward-'));
  });
  afterAll(() => {
    killAll();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('every event is delivered after a restart', async () => {
    const pg = kind === 'postgres' ? await createTestDatabase('wi_e2e_forward') : undefined;
    const database = pg?.url ?? join(cwd, 'inbox.db');
    // Until the kill, the destination holds every request unanswered: deliveries are in flight.
    let holding = true;
    const endpoint = await startEndpoint((_r, res) => {
      if (!holding) res.writeHead(200).end();
    });
    try {
      const args = [
        '--database',
        database,
        '--secret',
        secret,
        '--forward-to',
        `${endpoint.url};name=app;timeout=2s;concurrency=8`,
        '--lease-ms',
        '1000',
      ];
      const first = await startServe(args, { cwd });
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        const body = JSON.stringify(
          sampleEvent('dsync.user.created', { overrides: { id: `event_kill_${i}` } }),
        );
        const res = await fetch(`${first.base}/webhooks/workos`, {
          method: 'POST',
          body,
          headers: signedHeaders(body, Date.now(), secret),
        });
        expect(res.status).toBe(200);
        ids.push(`event_kill_${i}`);
      }
      await until(() => endpoint.received.length >= 8, 'deliveries in flight');
      await first.stop('SIGKILL');
      holding = false;
      const second = await startServe(args, { cwd });
      await until(
        () =>
          ids.every((id) =>
            endpoint.received.some((r) => r.headers['workos-inbox-event-id'] === id),
          ),
        'every event at the destination',
        120_000,
      );
      const listed = await runCli(['deliveries', 'list', '--json', '--database', database], {
        cwd,
      });
      expect(listed.code).toBe(0);
      const rows = listed.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { eventId: string; status: string });
      await until(async () => {
        const again = await runCli(
          ['deliveries', 'list', '--json', '--status', 'delivered', '--database', database],
          { cwd },
        );
        return again.stdout.trim().split('\n').length === 30;
      }, 'every delivery recorded as delivered');
      expect(new Set(rows.map((r) => r.eventId))).toEqual(new Set(ids));
      // The in-flight ones were attempted again: at least once, maybe twice (the receiver dedups by id).
      const redelivered = ids.filter(
        (id) =>
          endpoint.received.filter((r) => r.headers['workos-inbox-event-id'] === id).length > 1,
      );
      expect(redelivered.length).toBeGreaterThan(0);
      const shown = await runCli(['events', 'show', ids[0]!, '--json', '--database', database], {
        cwd,
      });
      const detail = JSON.parse(shown.stdout) as {
        deliveries: { destination: string; status: string }[];
      };
      expect(detail.deliveries).toMatchObject([{ destination: 'app', status: 'delivered' }]);
      expect(await second.stop('SIGTERM')).toBe(0);
    } finally {
      await endpoint.close();
      await pg?.drop();
    }
  });
});
