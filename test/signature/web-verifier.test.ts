import { describe, expect, it } from 'vitest';
import {
  computeSignature,
  createVerifier,
  signatureHeader,
  WebhookBodyError,
} from 'workos-inbox/web';
import { computeSignatureSync, signatureHeader as nodeSignatureHeader } from 'workos-inbox';
import { createVerifier as createNodeVerifier } from 'workos-inbox';
import { EventValidationError } from '../../src/events/index.js';
import { T, body, hmacHex, secret } from './vectors.js';

const clock = { now: () => T };
const header = (payload: string | Uint8Array) => `t=${T}, v1=${hmacHex(T, payload)}`;

describe('workos-inbox/web createVerifier', () => {
  const web = createVerifier({ secret, clock });
  const node = createNodeVerifier({ secret, clock });

  it('verifyAndParse and constructEvent return what the node:crypto verifier returns', async () => {
    for (const payload of [body, new TextEncoder().encode(body), JSON.parse(body) as object]) {
      expect(await web.verifyAndParse(payload, header(body))).toEqual(
        node.verifyAndParse(payload, header(body)),
      );
      expect(await web.constructEvent(payload, header(body))).toEqual(
        node.constructEvent(payload, header(body)),
      );
    }
  });

  it('rejects a signed non-JSON body with WebhookBodyError invalid_json', async () => {
    await expect(web.verifyAndParse('nope', header('nope'))).rejects.toBeInstanceOf(
      WebhookBodyError,
    );
  });

  it('rejects a signed BOM-prefixed body as invalid_json, like the node verifier', async () => {
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(body)]);
    await expect(web.verifyAndParse(bom, header(bom))).rejects.toMatchObject({
      code: 'invalid_json',
    });
    expect(() => node.verifyAndParse(bom, header(bom))).toThrow(WebhookBodyError);
  });

  it('rejects a signed body with a bad envelope with EventValidationError', async () => {
    const text = '{"id":"e","event":"x","data":{}}';
    await expect(web.verifyAndParse(text, header(text))).rejects.toBeInstanceOf(
      EventValidationError,
    );
  });
});

describe('workos-inbox/web signing', () => {
  it('computeSignature equals node:crypto for text, bytes and objects', async () => {
    const bytes = new TextEncoder().encode(body);
    expect(await computeSignature(T, body, secret)).toBe(computeSignatureSync(T, body, secret));
    expect(await computeSignature(T, bytes, secret)).toBe(computeSignatureSync(T, bytes, secret));
    expect(await computeSignature(String(T), JSON.parse(body) as object, secret)).toBe(
      computeSignatureSync(T, body, secret),
    );
  });

  it('signatureHeader equals the node:crypto header, one v1 per secret', async () => {
    expect(await signatureHeader(body, [secret, 'b'], T)).toBe(
      nodeSignatureHeader(body, [secret, 'b'], T),
    );
  });

  it('matches the vector computed with the SDK', async () => {
    // Computed with @workos-inc/node 11.0.0 (shared/reference/workos-node-sdk.md §1.5).
    expect(
      await computeSignature(
        '1700000000000',
        '{"id":"event_01","event":"dsync.user.created","data":{},"created_at":"2024-01-01T00:00:00.000Z"}',
        'whsec_test',
      ),
    ).toBe('62ea4521afbefdd07ce0495312b14e3de89af6de8ceaa894185f7a114903791b');
  });
});
