// `serve --no-worker` receives and processes nothing: the flags of processing typed beside it
// (handlers, attempts, backoff, concurrency, leases, retention, the forwarding sender's settings,
// and those of serve's own worker) used to start and act on nothing, unsaid; `--retention 7d`
// pruned nothing while the disk filled. Typed on the command line they now exit 2 with one line
// naming the flag and where it belongs. From the environment (shared by receivers and `work`
// processes) they are left to the processes that use them, and the receiver starts.
import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, listEvents, runCli, startServe, useFreshFolder } from './cli-harness.js';

const processed =
  'only where events are processed, and serve --no-worker (WORKOS_INBOX_WORKER=false) processes none';
const own =
  "only to serve's own worker, and serve --no-worker (WORKOS_INBOX_WORKER=false) has none";

beforeAll(() => ensureBuilt());
const cwd = useFreshFolder('wi-no-worker-flags-');

/** The one line a refused `serve` prints: no stack, nothing else on stderr or stdout. */
const refusal = async (args: string[], env: Record<string, string> = {}) => {
  const result = await runCli(['serve', '--port', '0', ...args], { cwd: cwd(), env });
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  // Refused before anything is made: no data folder, no database.
  expect(readdirSync(cwd())).toEqual([]);
  return lines[0]!;
};

describe('serve --no-worker: flags of processing typed beside it (built CLI)', () => {
  it('--retention exits 2 instead of pruning nothing, and names `workos-inbox work`', async () => {
    expect(await refusal(['--no-worker', '--retention', '7d'])).toBe(
      `workos-inbox: --retention applies ${processed}: give it to \`workos-inbox work\`, or leave it out`,
    );
  });

  it.each([
    ['--handlers', './handlers.mjs'],
    ['--max-attempts', '3'],
    ['--backoff-base-ms', '500'],
    ['--backoff-cap-ms', '60000'],
    ['--worker-concurrency', '16'],
    ['--claim-coalesce-ms', '0'],
    ['--lease-ms', '5000'],
    ['--retention-interval', '10m'],
    ['--forward-timeout-ms', '5000'],
    ['--forward-concurrency', '8'],
    ['--forward-max-attempts', '3'],
  ])('%s exits 2, naming the flag and `workos-inbox work`', async (flag, value) => {
    expect(await refusal(['--no-worker', flag, value])).toBe(
      `workos-inbox: ${flag} applies ${processed}: give it to \`workos-inbox work\`, or leave it out`,
    );
  });

  it.each([
    ['--worker-share', '0.5'],
    ['--worker-min-rate', '10'],
    ['--worker-nice', '5'],
    ['--no-worker-thread'],
  ])("%s (serve's own worker) exits 2", async (...flag) => {
    expect(await refusal(['--no-worker', ...flag])).toBe(
      `workos-inbox: ${flag[0]} applies ${own}: run serve with its worker (\`workos-inbox work\` does not take it), or leave it out`,
    );
  });

  it('several are named in one line', async () => {
    expect(
      await refusal([
        '--no-worker',
        '--max-attempts',
        '3',
        '--retention',
        '30d',
        '--forward-to',
        'https://app.example.com/hook',
      ]),
    ).toBe(
      `workos-inbox: --max-attempts and --retention apply ${processed}: give them to \`workos-inbox work\`, or leave them out`,
    );
  });

  it('WORKOS_INBOX_WORKER=false makes a typed --retention as idle as --no-worker does', async () => {
    expect(await refusal(['--retention', '7d'], { WORKOS_INBOX_WORKER: 'false' })).toContain(
      `--retention applies ${processed}`,
    );
  });
});

describe('serve --no-worker: the same settings from the environment are not refused', () => {
  it('starts and receives; the handlers module is not imported', async () => {
    // As a deployment shares them with its `work` processes; the module is not there on the
    // receiver's machine (it used to be imported, and the receiver failed to start).
    const serve = await startServe(['--no-worker'], {
      cwd: cwd(),
      env: {
        WORKOS_INBOX_HANDLERS: './not-on-this-machine.mjs',
        WORKOS_INBOX_RETENTION: '7d',
        WORKOS_INBOX_RETENTION_INTERVAL: '10m',
        WORKOS_INBOX_MAX_ATTEMPTS: '3',
        WORKOS_INBOX_WORKER_CONCURRENCY: '16',
        WORKOS_INBOX_LEASE_MS: '5000',
        WORKOS_INBOX_FORWARD_CONCURRENCY: '8',
        WORKOS_INBOX_WORKER_SHARE: '0.5',
        WORKOS_INBOX_WORKER_NICE: '5',
        WORKOS_INBOX_WORKER_THREAD: 'false',
      },
    });
    const trigger = await runCli(
      ['trigger', 'dsync.user.created', '--to', `${serve.base}/webhooks/workos`],
      { cwd: cwd() },
    );
    expect(trigger.code, trigger.stderr).toBe(0);
    expect(await serve.stop('SIGTERM')).toBe(0);
    // Received and left for a `work` process.
    expect((await listEvents(cwd())).map((e) => [e.event, e.status])).toEqual([
      ['dsync.user.created', 'pending'],
    ]);
    expect(serve.output().stdout).toMatch(/"worker":false[^\n]*"msg":"workos-inbox serving"/);
  });

  it('`work` with WORKOS_INBOX_WORKER=false (shared with the receivers) takes them typed', async () => {
    const work = await startServe(['--retention', '7d', '--max-attempts', '3'], {
      cwd: cwd(),
      command: 'work',
      env: { WORKOS_INBOX_WORKER: 'false' },
    });
    expect(await work.stop('SIGTERM')).toBe(0);
  });
});
