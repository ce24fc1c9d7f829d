// The counting behind the outage logs of the receiver (every 10 s) and the worker's claims (every
// minute): their own tests read the lines; this one the runs, a second outage included.
import { describe, expect, it } from 'vitest';
import { FailureRun } from '../src/failure-run.js';

describe('FailureRun', () => {
  it('logs the first failure, then a count per interval, then the end; a second outage starts over', () => {
    let now = 1_000;
    const run = new FailureRun({ now: () => now }, 10_000);
    expect(run.succeeded()).toBeUndefined();
    expect(run.failed()).toEqual({ log: 'first' });
    now += 4_000;
    expect(run.failed()).toEqual({ log: 'none' });
    now += 5_999;
    expect(run.failed()).toEqual({ log: 'none' });
    now += 1;
    expect(run.failed()).toEqual({ log: 'count', unlogged: 3, failures: 4, forMs: 10_000 });
    now += 1;
    expect(run.failed()).toEqual({ log: 'none' });
    now += 2_000;
    expect(run.succeeded()).toEqual({ failures: 5, forMs: 12_001 });
    expect(run.succeeded()).toBeUndefined();

    now += 60_000;
    expect(run.failed()).toEqual({ log: 'first' });
    now += 10_000;
    expect(run.failed()).toEqual({ log: 'count', unlogged: 1, failures: 2, forMs: 10_000 });
    expect(run.succeeded()).toEqual({ failures: 2, forMs: 10_000 });
  });
});
