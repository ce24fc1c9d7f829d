// Threads of one process share its CPU time with nothing to say which matters more. In `serve`
// the receiver's answers do (WorkOS times out and resends when they are slow) and the worker
// thread's work can trail by milliseconds, so on Linux, where a nice value belongs to a thread,
// the worker thread lowers its own (`--worker-nice`).
import { getPriority, setPriority } from 'node:os';

/** What `lowerThreadPriority` did: the nice value now in force, nothing to do, or the error. */
export type ThreadNice = { nice: number } | { skipped: string } | { failed: string };

/**
 * Give the calling thread the nice value `nice` (0–19; 0 leaves it alone). Linux only: elsewhere
 * `setPriority(0, …)` changes the whole process, the receiver's threads included. Threads this
 * one starts afterwards inherit it. An unprivileged thread cannot take a nice value back down, so
 * the value is only ever raised.
 */
export function lowerThreadPriority(nice: number, platform = process.platform): ThreadNice {
  if (nice === 0) return { skipped: 'nice 0' };
  if (platform !== 'linux') return { skipped: `not Linux (${platform})` };
  try {
    if (getPriority(0) < nice) setPriority(0, nice);
    return { nice: getPriority(0) };
  } catch (error) {
    return { failed: (error as Error).message };
  }
}
