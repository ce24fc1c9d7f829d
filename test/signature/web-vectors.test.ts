// The same vectors as verify-vectors.test.ts, run against `workos-inbox/web` (Web Crypto).
import { describe, expect, it } from 'vitest';
import { createVerifier, SignatureVerificationException, verifySignature } from 'workos-inbox/web';
import type { SignatureHeaderInput, WebhookPayload } from 'workos-inbox/web';
import { T, secretOf, vectors } from './vectors.js';
import type { Vector } from './vectors.js';

async function run(v: Vector, how: 'function' | 'verifier'): Promise<unknown> {
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
  // Creation may throw (no_secret); inside the async function it becomes a rejection.
  const verifier = createVerifier({
    secret: secretOf(v),
    toleranceMs: v.toleranceMs,
    clock: { now: () => now },
  });
  return verifier.verify(payload, sigHeader);
}

for (const how of ['function', 'verifier'] as const) {
  describe(`Web Crypto ${how === 'function' ? 'verifySignature' : 'createVerifier().verify'}`, () => {
    it.each(vectors.map((v) => [v.name, v] as const))('%s', async (_name, v) => {
      if ('ok' in v.expected) {
        expect(await run(v, how)).toEqual({
          timestampMs: expect.any(Number),
          secretIndex: v.expected.secretIndex ?? 0,
        });
        return;
      }
      const caught = await run(v, how).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(caught).toBeInstanceOf(SignatureVerificationException);
      const e = caught as SignatureVerificationException;
      expect(e.code).toBe(v.expected.code);
      expect(e.message.startsWith(v.expected.message)).toBe(true);
      if (!v.expected.message.includes('payload was')) expect(e.message).toBe(v.expected.message);
    });
  });
}
