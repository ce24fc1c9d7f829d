// `--since` of pull, listen and --pull-since, and the `since` filter of events list and the admin
// API: one reading, strict, so a typo is an error instead of a different instant.
import { describe, expect, it } from 'vitest';
import { isoInstantMs, parseSince, SinceFormatError } from '../../src/pull/parse-since.js';
import { FilterError, parseSince as filterSince } from '../../src/server/event-filter.js';

const now = Date.parse('2026-05-01T12:00:00.000Z');
const iso = (text: string) => parseSince(text, now);

describe('since', () => {
  it('reads now, ages and ISO dates; a date without a zone is UTC', () => {
    expect(iso('now')).toBe('2026-05-01T12:00:00.000Z');
    expect(iso('30s')).toBe('2026-05-01T11:59:30.000Z');
    expect(iso('15m')).toBe('2026-05-01T11:45:00.000Z');
    expect(iso('2 h')).toBe('2026-05-01T10:00:00.000Z');
    expect(iso('7d')).toBe('2026-04-24T12:00:00.000Z');
    expect(iso('2026-01-31')).toBe('2026-01-31T00:00:00.000Z');
    expect(iso('2026-01-31T09:30')).toBe('2026-01-31T09:30:00.000Z');
    expect(iso('2026-01-31 09:30:15')).toBe('2026-01-31T09:30:15.000Z');
    expect(iso('2026-01-31T09:30:15.25Z')).toBe('2026-01-31T09:30:15.250Z');
    expect(iso('2026-01-31T09:30:00+02:00')).toBe('2026-01-31T07:30:00.000Z');
    expect(iso('2026-01-31T09:30:00-0130')).toBe('2026-01-31T11:00:00.000Z');
    expect(iso('2024-02-29')).toBe('2024-02-29T00:00:00.000Z');
  });

  it('refuses what Date.parse would move or cut: days that do not exist, trailing text, bad zones', () => {
    for (const text of [
      '2026-02-30',
      '2025-02-29',
      '2026-13-01',
      '2026-01-31T24:00',
      '2026-01-31T09:60',
      '2026-01-31 junk',
      '2026-01-31T09:30:00+25:00',
      'yesterday',
      '7 days',
      '',
    ]) {
      expect(isoInstantMs(text), text).toBeNaN();
      expect(() => iso(text), text).toThrow(SinceFormatError);
      expect(() => filterSince(text, new Date(now)), text).toThrow(FilterError);
    }
    // A typo of form lists the forms; a date of the right form that does not exist says that.
    expect(() => iso('yesterday')).toThrow(/--since "yesterday": expected now, an age/);
    for (const text of [
      '2026-02-30',
      '2026-13-01',
      '2026-01-31T24:00',
      '2026-01-31T09:30:00+25:00',
    ]) {
      expect(() => iso(text), text).toThrow(
        `--since "${text}": expected a date that exists: this one has no such month, day, time or zone offset`,
      );
      expect(() => filterSince(text, new Date(now)), text).toThrow(/a date that exists/);
    }
  });

  it('refuses an age that reaches back before the earliest date there is, saying so', () => {
    for (const text of ['999999999d', '99999999999999999999999s']) {
      expect(() => iso(text), text).toThrow(/stays within the dates there are/);
      expect(() => filterSince(text, new Date(now)), text).toThrow(FilterError);
    }
    // The longest age a date still holds is read.
    expect(iso('100000000d')).toMatch(/^-\d{6}-/);
  });

  it('events list and the admin API read it the same way', () => {
    for (const text of ['now', '90s', '2h', '7d', '2026-01-31', '2026-01-31T09:30:00+02:00']) {
      expect(filterSince(text, new Date(now)).toISOString(), text).toBe(iso(text));
    }
  });
});
