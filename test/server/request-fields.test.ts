import { describe, expect, it } from 'vitest';
import { FilterError } from '../../src/server/event-filter.js';
import {
  firstUnknown,
  parseJsonObjectBody,
  refuseUnknown,
} from '../../src/server/request-fields.js';

const fail = (message: string, field: string) => new FilterError(message, field);

describe('the admin API reads request fields one way', () => {
  it('takes an empty body as no fields and a JSON object as its fields', () => {
    expect(parseJsonObjectBody('  \n', '{}', fail)).toEqual({});
    expect(parseJsonObjectBody('{"status":"dead"}', '{}', fail)).toEqual({ status: 'dead' });
  });

  it.each([
    ['{"status":', 'the body is not valid JSON'],
    ['[1]', 'the body must be a JSON object such as {"a":"b"}, got [1]'],
    ['null', 'the body must be a JSON object such as {"a":"b"}, got null'],
    ['"dead"', 'the body must be a JSON object such as {"a":"b"}, got "dead"'],
  ])('refuses the body %s with the route’s own error, naming the body', (text, message) => {
    const error = (() => {
      try {
        parseJsonObjectBody(text, '{"a":"b"}', fail);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(FilterError);
    expect(error).toMatchObject({ message, field: 'body' });
  });

  it('refuses the first unknown name, naming it and what the route takes', () => {
    expect(firstUnknown(['status', 'evnet', 'x'], ['status', 'event'])).toBe('evnet');
    expect(firstUnknown(['status'], ['status', 'event'])).toBeUndefined();
    expect(() => refuseUnknown(['stauts'], ['status', 'event'], fail, 'query parameter')).toThrow(
      'unknown query parameter "stauts"; use status, event',
    );
    expect(() => refuseUnknown(['since'], [], fail)).toThrow(
      'unknown field "since": this route takes none',
    );
    expect(() => refuseUnknown([], [], fail)).not.toThrow();
  });
});
