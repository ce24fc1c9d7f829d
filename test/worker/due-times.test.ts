// The worker's retry due times: whatever the order retries are recorded in, each timer firing
// takes exactly those come due, earliest first, and the next timer is armed for the earliest left.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DueTimes } from '../../src/worker/due-times.js';

describe('DueTimes', () => {
  it('takes exactly the times come due and leaves the earliest of the rest next', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1_000 }), { maxLength: 200 }),
        fc.array(fc.integer({ min: 0, max: 1_100 }), { maxLength: 20 }),
        (times, firings) => {
          const due = new DueTimes();
          for (const t of times) due.add(t);
          let left = [...times].sort((a, b) => a - b);
          for (const now of [...firings].sort((a, b) => a - b)) {
            const expected = left.filter((t) => t <= now).length;
            expect(due.takeDue(now)).toBe(expected);
            left = left.slice(expected);
            expect(due.size).toBe(left.length);
            expect(due.earliest()).toBe(left[0]);
          }
        },
      ),
    );
  });

  it('records times between firings as a worker does', () => {
    const due = new DueTimes();
    due.add(30);
    due.add(10);
    due.add(20);
    expect(due.takeDue(15)).toBe(1);
    due.add(12);
    due.add(40);
    expect(due.earliest()).toBe(12);
    expect(due.takeDue(30)).toBe(3);
    expect(due.earliest()).toBe(40);
    due.clear();
    expect(due.earliest()).toBeUndefined();
    expect(due.takeDue(1_000)).toBe(0);
  });
});
