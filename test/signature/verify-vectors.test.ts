import { describe, expect, it } from 'vitest';
import { SignatureVerificationException } from '../../src/signature/errors.js';
import type { WebhookPayload } from '../../src/signature/payload.js';
import type { SignatureHeaderInput } from '../../src/signature/parse-header.js';
import { createVerifier } from '../../src/signature/verifier.js';
import { verifySignature } from '../../src/signature/verify.js';
import { T, secretOf, vectors } from './vectors.js';
import type { Vector } from './vectors.js';

function run(v: Vector, how: 'function' | 'verifier'): unknown {
  const payload = v.payload() as WebhookPayload;
  const sigHeader = v.header as SignatureHeaderInput;
  const now = v.nowMs ?? T;
  if (how === 'function') {
    return verifySignature({
      payload,
      sigHeader,
      secret: secretOf(v),
      toleranceMs: v.toleranceMs,
      now,
    });
  }
  const verifier = createVerifier({
    secret: secretOf(v),
    toleranceMs: v.toleranceMs,
    clock: { now: () => now },
  });
  return verifier.verify(payload, sigHeader);
}

for (const how of ['function', 'verifier'] as const) {
  describe(`node:crypto ${how === 'function' ? 'verifySignature' : 'createVerifier().verify'}`, () => {
    it.each(vectors.map((v) => [v.name, v] as const))('%s', (_name, v) => {
      if ('ok' in v.expected) {
        expect(run(v, how)).toEqual({
          timestampMs: expect.any(Number),
          secretIndex: v.expected.secretIndex ?? 0,
        });
        return;
      }
      let caught: unknown;
      try {
        run(v, how);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(SignatureVerificationException);
      const e = caught as SignatureVerificationException;
      expect(e.name).toBe('SignatureVerificationException');
      expect(e.code).toBe(v.expected.code);
      expect(e.message.startsWith(v.expected.message)).toBe(true);
      if (!v.expected.message.includes('payload was')) expect(e.message).toBe(v.expected.message);
    });
  });
}
