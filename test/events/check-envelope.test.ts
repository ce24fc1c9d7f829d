import { describe, expect, it } from 'vitest';
import { checkEnvelope, EventValidationError } from '../../src/events/index.js';

const valid = {
  id: 'event_01HXYZ',
  event: 'user.created',
  created_at: '2024-01-01T00:00:00.000Z',
  data: { id: 'user_01' },
};

function caught(value: unknown): EventValidationError {
  try {
    checkEnvelope(value);
  } catch (error) {
    if (error instanceof EventValidationError) return error;
    throw error;
  }
  throw new Error('checkEnvelope accepted the value');
}

describe('checkEnvelope', () => {
  it('returns the same object for a valid envelope, extra keys untouched', () => {
    const value = { ...valid, context: { client_id: 'client_1' }, object: 'event', extra: 1 };
    expect(checkEnvelope(value)).toBe(value);
  });

  it('accepts unknown event names and empty data', () => {
    const value = { ...valid, event: 'something.new', data: {} };
    expect(checkEnvelope(value)).toBe(value);
  });

  it.each([null, [], 'str', 42, true, undefined])('rejects a non-object body %j', (value) => {
    const error = caught(value);
    expect(error.code).toBe('not_json_object');
    expect(error.path).toBe('');
  });

  it.each([
    ['id', { ...valid, id: 1 }, 'id: expected string, received number'],
    ['event', { ...valid, event: undefined }, 'event: expected string, received undefined'],
    ['created_at', { ...valid, created_at: null }, 'created_at: expected string, received null'],
    ['data', { ...valid, data: [] }, 'data: expected object, received array'],
    ['data', { ...valid, data: null }, 'data: expected object, received null'],
    ['data', { ...valid, data: 'x' }, 'data: expected object, received string'],
  ])('names the bad field %s', (path, value, message) => {
    const error = caught(value);
    expect(error.code).toBe('invalid_envelope');
    expect(error.path).toBe(path);
    expect(error.message).toContain(message);
  });

  it('lists every bad field, not just the first', () => {
    const error = caught({ data: {} });
    expect(error.issues.map((i) => i.path)).toEqual(['id', 'event', 'created_at']);
  });
});
