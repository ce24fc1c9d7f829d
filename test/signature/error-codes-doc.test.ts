// docs/verification.md documents every code with its message; keep it equal to the code.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SignatureVerificationException, signatureErrorCodes } from '../../src/signature/errors.js';

const doc = readFileSync(new URL('../../docs/verification.md', import.meta.url), 'utf8');
const section = doc.slice(
  doc.indexOf('### Error codes'),
  doc.indexOf('### Deliberate differences'),
);
const rows = [...section.matchAll(/^\| `([a-z0-9_]+)` \| ([^|]+) \|/gm)].map(
  ([, code, message]) => ({
    code: code!,
    message: message!.trim(),
  }),
);

describe('docs/verification.md error codes table', () => {
  it('lists exactly signatureErrorCodes, in order', () => {
    expect(rows.map((r) => r.code)).toEqual([...signatureErrorCodes]);
  });

  it('shows the message each code is thrown with', () => {
    for (const { code, message } of rows) {
      expect(
        SignatureVerificationException.of(code as (typeof signatureErrorCodes)[number]).message,
      ).toBe(message);
    }
  });
});
