/**
 * How long a caught-up claimer (the worker, a destination's forwarder) waits before its next
 * claim (`claimCoalesceMs`): until `windowMs` after the last claim began (`claimedAt`, the
 * clock's ms), so the events appended meanwhile go into one claim; 0 once that is past (a sparse
 * event is claimed at once); never more than `windowMs`, even when the clock was set back.
 */
export function coalesceWaitMs(claimedAt: number, now: number, windowMs: number): number {
  return Math.max(0, Math.min(windowMs, claimedAt + windowMs - now));
}
