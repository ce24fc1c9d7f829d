import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lowerThreadPriority } from '../../src/server/thread-nice.js';
import { ensureBuilt, killAll, runCli, startServe, waitFor } from './cli-harness.js';

// Each handler call appends the nice value of the thread it runs on.
const handlersModule = `
import { appendFileSync } from 'node:fs';
import { getPriority } from 'node:os';
export default {
  async '*'() {
    appendFileSync(process.env.NICE_LOG, getPriority(0) + '\\n');
  },
};
`;

const secret = 'whsec_worker_nice_secret_0123456789';

/** The nice value of each thread of `pid` (field 19 of /proc/<pid>/task/<tid>/stat). */
function threadNices(pid: number): Map<number, number> {
  const nices = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // After "pid (comm) ", the fields start at the third (state): the nice value is the 19th.
      nices.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // The thread ended while the directory was read.
    }
  }
  return nices;
}

describe('lowerThreadPriority', () => {
  it('leaves the thread alone at 0, and on other systems, where it would lower the whole process', () => {
    expect(lowerThreadPriority(0)).toEqual({ skipped: 'nice 0' });
    expect(lowerThreadPriority(10, 'darwin')).toEqual({ skipped: 'not Linux (darwin)' });
    expect(lowerThreadPriority(10, 'win32')).toEqual({ skipped: 'not Linux (win32)' });
  });
});

describe.runIf(process.platform === 'linux')(
  "serve's worker thread gives way to the receiver",
  () => {
    let cwd: string;
    let runs = 0;

    beforeAll(() => {
      ensureBuilt();
      cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-nice-'));
      writeFileSync(join(cwd, 'handlers.mjs'), handlersModule);
    });

    afterAll(() => {
      killAll();
      rmSync(cwd, { recursive: true, force: true });
    });

    async function run(args: string[]) {
      const run = ++runs;
      const log = join(cwd, `nice-${run}.log`);
      writeFileSync(log, '');
      const env = {
        WORKOS_WEBHOOK_SECRET: secret,
        DATABASE_URL: join(cwd, `inbox-${run}.db`),
        NICE_LOG: log,
        // Six threads in libuv's pool: were they started by the worker thread, they would share its
        // nice value, and more than five threads would carry it.
        UV_THREADPOOL_SIZE: '6',
      };
      const serve = await startServe(['--handlers', './handlers.mjs', ...args], { cwd, env });
      try {
        const sent = await runCli(
          ['trigger', 'dsync.user.created', '--count', '5', '--json', '--to'].concat(
            `${serve.base}/webhooks/workos`,
          ),
          { cwd, env },
        );
        expect(JSON.parse(sent.stdout)).toMatchObject({ sent: 5, '2xx': 5 });
        const handlerNices = await waitFor(async () => {
          const lines = readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);
          return lines.length >= 5 && lines.map(Number);
        }, 'handlers');
        const threads = threadNices(serve.child.pid!);
        expect(await serve.stop('SIGTERM')).toBe(0);
        return { handlerNices, threads, pid: serve.child.pid! };
      } finally {
        await serve.stop('SIGKILL');
      }
    }

    it('by default the worker (and the handlers) run at nice 10, the receiver and the shared pools at 0', async () => {
      const { handlerNices, threads, pid } = await run([]);
      expect(handlerNices).toEqual([10, 10, 10, 10, 10]);
      // The main thread answers the requests.
      expect(threads.get(pid)).toBe(0);
      const niced = [...threads.values()].filter((nice) => nice !== 0);
      expect(niced.length).toBeGreaterThanOrEqual(1);
      expect(niced.every((nice) => nice === 10)).toBe(true);
      expect(niced.length).toBeLessThan(6);
    });

    it('--worker-nice sets the value; 0 leaves every thread alone', async () => {
      expect((await run(['--worker-nice', '4'])).handlerNices).toEqual([4, 4, 4, 4, 4]);
      const { handlerNices, threads } = await run(['--worker-nice', '0']);
      expect(handlerNices).toEqual([0, 0, 0, 0, 0]);
      expect([...threads.values()].every((nice) => nice === 0)).toBe(true);
    });

    it('--no-worker-thread: the worker shares the main thread, which keeps its priority', async () => {
      const { handlerNices, threads } = await run(['--no-worker-thread']);
      expect(handlerNices).toEqual([0, 0, 0, 0, 0]);
      expect([...threads.values()].every((nice) => nice === 0)).toBe(true);
    });

    it('a value outside 0-19 is a usage error that names the flag', async () => {
      const result = await runCli(['serve', '--worker-nice', '20'], {
        cwd,
        env: { WORKOS_WEBHOOK_SECRET: secret, DATABASE_URL: join(cwd, 'unused.db') },
      });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /--worker-nice \(WORKOS_INBOX_WORKER_NICE\) must be a whole number from 0 to 19, got "20"/,
      );
    });
  },
);
