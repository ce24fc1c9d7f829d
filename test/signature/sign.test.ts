import { describe, expect, it } from 'vitest';
import { computeSignatureSync, signatureHeader } from '../../src/signature/sign.js';

describe('computeSignatureSync', () => {
  it('matches the vectors computed with the official SDK', () => {
    const body =
      '{"id":"event_01","event":"dsync.user.created","data":{},"created_at":"2024-01-01T00:00:00.000Z"}';
    expect(computeSignatureSync('1700000000000', body, 'whsec_test')).toBe(
      '62ea4521afbefdd07ce0495312b14e3de89af6de8ceaa894185f7a114903791b',
    );
  });

  it('signs one v1 per secret', () => {
    const header = signatureHeader('{}', ['a', 'b'], 1700000000000);
    expect(header).toMatch(/^t=1700000000000, v1=[0-9a-f]{64}, v1=[0-9a-f]{64}$/);
  });
});
