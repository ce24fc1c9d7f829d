// listElementRanges finds each element of a list answer's `data` array in its bytes: whatever the
// JSON around it (spacing, key order, escapes, multi-byte characters, nesting), the bytes in each
// range parse to the element JSON.parse gives.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listElementRanges } from '../../src/workos-api/list-element-ranges.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** JSON.stringify with a random indent, so the walk meets every kind of spacing. */
const serialized = (value: unknown, indent: number) =>
  encoder.encode(JSON.stringify(value, null, indent === 0 ? undefined : ' '.repeat(indent)));

function elements(bytes: Uint8Array): unknown[] | undefined {
  return listElementRanges(bytes)?.map(([start, end]) =>
    JSON.parse(decoder.decode(bytes.subarray(start, end))),
  );
}

describe('listElementRanges', () => {
  it('gives ranges that parse to the data array elements, for any JSON around them', () => {
    const text = fc.string({ unit: 'binary' });
    const value = fc.jsonValue();
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.dictionary(text, value), value)),
        fc.dictionary(
          text.filter((k) => k !== 'data'),
          value,
        ),
        fc.integer({ min: 0, max: 3 }),
        (data, others, indent) => {
          const list = { ...others, data, object: 'list' };
          const bytes = serialized(list, indent);
          expect(elements(bytes)).toEqual(JSON.parse(decoder.decode(bytes)).data);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers undefined when there is no data array', () => {
    for (const answer of ['{}', '{"data":{"a":1}}', '[1,2]', '{"object":"list"}', '"data"', '']) {
      expect(listElementRanges(encoder.encode(answer))).toBeUndefined();
    }
  });

  it('takes the last "data" key, as JSON.parse does', () => {
    const bytes = encoder.encode('{"data":[1,2],"data":[{"id":"x"}]}');
    expect(elements(bytes)).toEqual([{ id: 'x' }]);
    expect(listElementRanges(encoder.encode('{"data":[1],"data":null}'))).toBeUndefined();
  });

  it('handles an empty array, a byte-order mark and escaped quotes in keys', () => {
    expect(listElementRanges(encoder.encode(' {"data" : [ ] } '))).toEqual([]);
    const bytes = encoder.encode('\uFEFF{"d\\"ata":[9],"data":["a\\\\",{"k\\"":"\\u005d"}]}');
    expect(elements(bytes)).toEqual(['a\\', { 'k"': ']' }]);
  });
});
