import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventValidationErrorCodes } from '../../src/events/index.js';

describe('event validation error codes', () => {
  it('are the codes documented in docs/events.md, in order', () => {
    const doc = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');
    const table = doc.slice(doc.indexOf('| code'), doc.indexOf('\n\n', doc.indexOf('| code')));
    const documented = [...table.matchAll(/^\| `([a-z_]+)`/gm)].map((m) => m[1]);
    expect(documented).toEqual([...eventValidationErrorCodes]);
  });
});
