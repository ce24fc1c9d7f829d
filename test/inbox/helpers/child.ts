import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { patienceMs } from '../../helpers/patience.js';

const fixture = fileURLToPath(new URL('../fixtures/serve-inbox.ts', import.meta.url));

export interface InboxChild {
  proc: ChildProcess;
  /** The first JSON line the child printed (`{ port }` or `{ ready }`). */
  hello: Record<string, unknown>;
  /** Every later JSON line. */
  messages: Record<string, unknown>[];
  /** Resolves on the next message matching `predicate`. */
  waitFor(predicate: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
}

/** Start `serve-inbox.ts` with `node --import tsx` and wait for its first line. */
export async function startInboxChild(env: Record<string, string>): Promise<InboxChild> {
  const proc = spawn(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => resolve(code)),
  );
  const messages: Record<string, unknown>[] = [];
  const waiters: Array<{ p: (m: Record<string, unknown>) => boolean; resolve: () => void }> = [];
  let helloResolve: (m: Record<string, unknown>) => void = () => {};
  const hello = new Promise<Record<string, unknown>>((r) => (helloResolve = r));
  let first = true;
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if (first) {
      first = false;
      helloResolve(msg);
      return;
    }
    messages.push(msg);
    for (const w of [...waiters]) {
      if (w.p(msg)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  const started = await Promise.race([
    hello,
    exited.then((code) => {
      throw new Error(`inbox child exited (${String(code)}) before it was ready:\n${stderr}`);
    }),
    new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`inbox child not ready in ${patienceMs / 1000} s:\n${stderr}`)),
        patienceMs,
      ),
    ),
  ]);
  return {
    proc,
    hello: started,
    messages,
    exited,
    waitFor(predicate, timeoutMs = patienceMs) {
      if (messages.some(predicate)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching message from the child in ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          p: predicate,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
  };
}

export async function killChild(
  child: InboxChild,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<void> {
  if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill(signal);
  await child.exited;
}
