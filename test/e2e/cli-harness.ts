import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { patienceMs } from '../helpers/patience.js';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const cliPath = join(repoRoot, 'dist', 'cli', 'main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestMtime(path) : stat.mtimeMs);
  }
  return newest;
}

/**
 * The e2e tests run the BUILT command, as users do. `npm test` builds first; when run alone
 * (`npx vitest run test/e2e`) and `src/` is newer than `dist/`, build once. A lock folder keeps
 * two test workers from building at the same time.
 */
export function ensureBuilt(): void {
  const lock = join(repoRoot, 'node_modules', '.workos-inbox-e2e-build.lock');
  const fresh = () => {
    try {
      return statSync(cliPath).mtimeMs >= newestMtime(join(repoRoot, 'src'));
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 600 && !fresh(); i++) {
    try {
      mkdirSync(lock);
    } catch {
      // Another worker is building: wait for it.
      spawnSync('sleep', ['0.5']);
      continue;
    }
    try {
      if (!fresh()) {
        const result = spawnSync('npm', ['run', 'build', '--silent'], {
          cwd: repoRoot,
          encoding: 'utf8',
        });
        if (result.status !== 0) {
          throw new Error(`npm run build failed:\n${result.stdout}\n${result.stderr}`);
        }
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  input?: string;
  /** Run as this user and group (the test runs as root: a user file modes apply to). */
  uid?: number;
  gid?: number;
}

/** Environment for child processes: ours, minus anything that would change the CLI's defaults. */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (
      key.startsWith('WORKOS_') ||
      ['PORT', 'HOST', 'DATABASE_URL', 'NODE_ENV', 'LOG_LEVEL'].includes(key)
    ) {
      delete env[key];
    }
  }
  // vitest sets these; the CLI must behave as for a user.
  delete env.VITEST;
  delete env.NODE_OPTIONS;
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Run `workos-inbox …` to completion (bounded by `timeoutMs`). */
export function runCli(args: readonly string[], options: RunOptions): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd,
      env: childEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.gid !== undefined ? { gid: options.gid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`workos-inbox ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? patienceMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePromise(port));
    });
  });
}

export interface ServeProcess {
  child: ChildProcess;
  port: number;
  /** http(s)://127.0.0.1:port */
  base: string;
  output: () => { stdout: string; stderr: string };
  /** Send a signal and wait for the exit code (SIGKILL after `timeoutMs`). */
  stop: (signal?: NodeJS.Signals, timeoutMs?: number) => Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** Start `workos-inbox serve` on a free port and wait until /healthz answers. */
export async function startServe(
  args: readonly string[],
  options: RunOptions & {
    https?: boolean;
    command?: 'serve' | 'work';
    portFromEnv?: boolean;
  },
): Promise<ServeProcess> {
  const port = await freePort();
  const work = options.command === 'work';
  const portArgs =
    options.portFromEnv || work ? [] : ['--host', '127.0.0.1', '--port', String(port)];
  // Loopback only, whichever way the port is given.
  const env = options.portFromEnv
    ? { ...options.env, PORT: String(port), HOST: '127.0.0.1' }
    : options.env;
  const child = spawn(
    process.execPath,
    [cliPath, options.command ?? 'serve', ...portArgs, ...args],
    { cwd: options.cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((r) =>
    child.on('exit', (code) => {
      running.delete(child);
      r(code);
    }),
  );
  const base = `${options.https ? 'https' : 'http'}://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.timeoutMs ?? patienceMs);
  let up = false;
  while (!up && Date.now() < deadline && child.exitCode === null) {
    up = work
      ? /"msg":"workos-inbox worker running"/.test(stdout)
      : /"msg":"workos-inbox serving"/.test(stdout) && (await healthy(base));
    if (!up) await new Promise((r) => setTimeout(r, 100));
  }
  if (!up) {
    child.kill('SIGKILL');
    throw new Error(`serve did not start (exit ${child.exitCode})\n${stdout}\n${stderr}`);
  }
  return {
    child,
    port,
    base,
    output: () => ({ stdout, stderr }),
    stop: async (signal = 'SIGTERM', timeoutMs = patienceMs) => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

async function healthy(base: string): Promise<boolean> {
  if (base.startsWith('https')) return true; // Checked by the caller with its own agent.
  try {
    const res = await fetch(`${base}/healthz`);
    return res.status === 200;
  } catch {
    return false;
  }
}

/** afterAll: no child outlives its test file. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/**
 * A fresh temporary folder (`prefix` + random) for every test of the file or `describe` block it
 * is called in: made before each test, and after it the `serve`/`work` processes started (by
 * `startServe`) are killed and the folder removed. Returns a getter of the running test's folder.
 */
export function useFreshFolder(prefix: string): () => string {
  let folder: string | undefined;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => {
    killAll();
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
    folder = undefined;
  });
  afterAll(() => killAll());
  return () => {
    if (folder === undefined) throw new Error(`no ${prefix} folder: it is made for each test`);
    return folder;
  };
}

/** Poll `check` until it returns a value (bounded). */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false>,
  what: string,
  timeoutMs = patienceMs,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** `events list --json` parsed. */
export async function listEvents(
  cwd: string,
  args: readonly string[] = [],
  env: Record<string, string | undefined> = {},
): Promise<
  Array<{ id: string; event: string; status: string; attempts: number; receivedAt: string }>
> {
  const result = await runCli(['events', 'list', '--json', ...args], { cwd, env });
  if (result.code !== 0) throw new Error(`events list failed (${result.code}): ${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map(
      (l) =>
        JSON.parse(l) as {
          id: string;
          event: string;
          status: string;
          attempts: number;
          receivedAt: string;
        },
    );
}
