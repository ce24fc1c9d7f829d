import { describe, expect, it } from 'vitest';
import { MirrorEventError } from '../../src/mirror/errors.js';
import { eventVersion, normalizeTimestamp } from '../../src/mirror/version.js';

describe('event versions', () => {
  it('normalizes every created_at form WorkOS uses to one sortable UTC form', () => {
    expect(normalizeTimestamp('2023-04-28T20:05:31.093Z')).toBe('2023-04-28T20:05:31.093000000Z');
    expect(normalizeTimestamp('2023-04-28 20:05:31.093')).toBe('2023-04-28T20:05:31.093000000Z');
    expect(normalizeTimestamp('2023-04-28T20:05:31Z')).toBe('2023-04-28T20:05:31.000000000Z');
    expect(normalizeTimestamp('2023-04-28T20:05:31.123456789Z')).toBe(
      '2023-04-28T20:05:31.123456789Z',
    );
    expect(normalizeTimestamp('2023-04-28T22:05:31.5+02:00')).toBe(
      '2023-04-28T20:05:31.500000000Z',
    );
    expect(normalizeTimestamp('2023-04-28T00:05:31-0130')).toBe('2023-04-28T01:35:31.000000000Z');
    expect(normalizeTimestamp('2023-12-31T23:30:00-01:00')).toBe('2024-01-01T00:30:00.000000000Z');
  });

  it('orders by instant, then by event id', () => {
    const a = eventVersion('2023-04-28 20:05:31.093', 'event_b');
    const b = eventVersion('2023-04-28T20:05:31.0931Z', 'event_a');
    const c = eventVersion('2023-04-28T20:05:31.0931Z', 'event_c');
    expect([c, b, a].sort()).toEqual([a, b, c]);
  });

  it('rejects what is not a timestamp or not a real date', () => {
    for (const bad of [
      'yesterday',
      '2023-02-30T10:00:00Z',
      '2023-04-28',
      '1683000000000',
      '2023-13-01 00:00:00',
    ]) {
      const error = (() => {
        try {
          normalizeTimestamp(bad, 'event_1');
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(MirrorEventError);
      expect((error as MirrorEventError).code).toBe('invalid_created_at');
      expect((error as MirrorEventError).eventId).toBe('event_1');
    }
  });
});
