// How long a delivery is retried before it is dead: the arithmetic of the backoff's window, that
// forwarding's default attempts cover a destination down for a day, and that docs/forward.md
// states the window these defaults give.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaults } from '../../src/defaults.js';
import { backoffDelayMs, retryWindowMs } from '../../src/worker/backoff.js';
import { repoRoot } from '../docs/doc-blocks.js';

const second = 1000;
const hour = 3600 * second;
const backoff = { baseMs: defaults.backoffBaseMs.value, capMs: defaults.backoffCapMs.value };

describe('retryWindowMs', () => {
  const settings = { baseMs: 1 * second, capMs: 1 * hour };

  it('adds up the ceilings of the waits between the attempts', () => {
    // One attempt: no wait. Two: one wait below 1 s.
    expect(retryWindowMs(1, settings)).toEqual({
      longestMs: 0,
      expectedMs: 0,
      standardDeviationMs: 0,
    });
    expect(retryWindowMs(2, settings).longestMs).toBe(1 * second);
    // Attempts 2..13 wait below 1, 2, 4 … 2048 s: 4095 s in all.
    expect(retryWindowMs(13, settings).longestMs).toBe(4095 * second);
    // The 14th would wait below 4096 s; the cap makes it 3600 s, as every later one.
    expect(retryWindowMs(14, settings).longestMs).toBe((4095 + 3600) * second);
    expect(retryWindowMs(20, settings).longestMs).toBe((4095 + 7 * 3600) * second);
    // Uniform below c: c / 2 on average, variance c² / 12.
    expect(retryWindowMs(20, settings).expectedMs).toBe(((4095 + 7 * 3600) * second) / 2);
    expect(retryWindowMs(3, settings).standardDeviationMs).toBeCloseTo(
      Math.sqrt((1000 ** 2 + 2000 ** 2) / 12),
      6,
    );
  });

  it('is the sum of the waits backoffDelayMs gives at the top and in the middle of its range', () => {
    for (const maxAttempts of [1, 5, 13, 14, 80]) {
      let top = 0;
      let middle = 0;
      for (let attempt = 1; attempt < maxAttempts; attempt++) {
        top += backoffDelayMs(attempt, settings, () => 1);
        middle += backoffDelayMs(attempt, settings, () => 0.5);
      }
      const window = retryWindowMs(maxAttempts, settings);
      expect(window.longestMs, `${maxAttempts}`).toBe(top);
      expect(window.expectedMs, `${maxAttempts}`).toBe(middle);
    }
  });
});

describe("forwarding's default attempts", () => {
  const window = retryWindowMs(defaults.forwardMaxAttempts.value, backoff);

  it('outlast a destination down for a day, four standard deviations below the average', () => {
    expect(window.expectedMs - 4 * window.standardDeviationMs).toBeGreaterThan(24 * hour);
    // The inbox's own attempts would not: what forwarding used before it had its own setting.
    expect(retryWindowMs(defaults.maxAttempts.value, backoff).expectedMs).toBeLessThan(hour);
  });

  it('docs/forward.md states the window they give', () => {
    const text = readFileSync(join(repoRoot, 'docs', 'forward.md'), 'utf8').replace(/\s+/g, ' ');
    const hours = (ms: number) => `${(ms / hour).toFixed(1)} h`;
    const attempts = defaults.forwardMaxAttempts.value;
    const section = /### How long a destination may be down(.*?)## Guarantees/.exec(text)?.[1];
    expect(section).toBeDefined();
    expect(section).toContain(`(default \`--forward-max-attempts\`, ${attempts})`);
    expect(section).toContain(
      `With ${attempts} attempts those ${attempts - 1} waits add up to **${hours(window.expectedMs)} on average** (standard deviation ${hours(window.standardDeviationMs)}: under ${hours(window.expectedMs - 4 * window.standardDeviationMs)}, four deviations below,`,
    );
    expect(section).toContain(`and **${hours(window.longestMs)} at most**`);
    const inbox = retryWindowMs(defaults.maxAttempts.value, backoff);
    expect(section).toContain(
      `\`--max-attempts\` (${defaults.maxAttempts.value}, about ${Math.round(inbox.expectedMs / 60_000)} minutes of waits on average)`,
    );
    expect(text).toContain(
      `| \`max-attempts\` | \`--forward-max-attempts\` (${attempts}) | attempts before a delivery is \`dead\``,
    );
  });
});
