import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCreatedAt } from '../../src/events/created-at.js';

// WorkOS's own form (`toISOString()`: milliseconds, `Z`) has a shortcut; the same instant written
// with an offset takes the general parse. Both must agree, and the shortcut must refuse nothing
// the general parse accepts and accept nothing it refuses.
describe('parseCreatedAt', () => {
  it("normalizes WorkOS's form as it normalizes the same instant written any other way", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const iso = date.toISOString();
          const offset = parseCreatedAt(`${iso.slice(0, 23)}+00:00`);
          expect(parseCreatedAt(iso)).toEqual(offset);
          if (date.getUTCFullYear() >= 1000) {
            expect(parseCreatedAt(iso)).toEqual({ normalized: `${iso.slice(0, 23)}000000Z` });
          } else {
            expect(parseCreatedAt(iso)).toHaveProperty('problem');
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses the 24-character forms that are not real dates', () => {
    for (const bad of [
      '2023-02-30T10:00:00.000Z',
      '2023-13-01T00:00:00.000Z',
      '2023-04-31T00:00:00.000Z',
      '2023-04-28T24:00:00.000Z',
      '2023-04-28T20:60:00.000Z',
    ]) {
      expect(parseCreatedAt(bad)).toEqual({ problem: 'is not a valid date' });
    }
    expect(parseCreatedAt('2023-04-28X20:05:31.093Z')).toEqual({
      problem: 'is not an ISO-8601 timestamp',
    });
  });

  it('keeps the digits it was given beyond milliseconds', () => {
    expect(parseCreatedAt('2023-04-28T20:05:31.0931Z')).toEqual({
      normalized: '2023-04-28T20:05:31.093100000Z',
    });
  });
});
