import { WorkosApiUnavailableError } from '../workos-api/workos-api-errors.js';
import { seconds } from '../workos-api/workos-api-client.js';
import type { LeasePause } from './lease-loop.js';

/** Why a job pauses, as its lease records it: what WorkOS answered and the wait it asked for. */
export function pauseReason(error: WorkosApiUnavailableError): string {
  const answered = error.cause instanceof Error ? error.cause.message : error.message;
  return `${answered}, with a Retry-After of ${seconds(error.retryAfterMs ?? 0)}`;
}

/**
 * What a one-shot command (`pull`, `reconcile`) fails with when its job's lease carries a pause
 * WorkOS asked for: the error a `Retry-After` gives today (exit 1, `retryAfterMs` and `retryAt`
 * for `--json`), no request made. `job` names it (`the Events API pull`), `nothing` says what was
 * not done (`nothing was asked of WorkOS or pulled`).
 */
export function pausedError(
  job: string,
  nothing: string,
  pause: LeasePause,
  nowMs: number,
): WorkosApiUnavailableError {
  const retryAt = pause.until.toISOString();
  return new WorkosApiUnavailableError(
    `${job} is paused until ${retryAt}, as WorkOS asked (${pause.reason}); the pause is kept in the database for every process, so ${nothing}; try again after ${retryAt}`,
    undefined,
    { retryAfterMs: Math.max(1, pause.until.getTime() - nowMs), retryAt },
  );
}
