import { patienceMs } from './patience.js';

/** Poll `check` until it is true (bounded by `timeoutMs`, a limit, not a speed assertion). */
export async function until(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = patienceMs,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
