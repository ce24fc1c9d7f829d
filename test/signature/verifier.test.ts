import { describe, expect, it } from 'vitest';
import { EventValidationError } from '../../src/events/index.js';
import { WebhookBodyError } from '../../src/signature/body-error.js';
import { SignatureVerificationException } from '../../src/signature/errors.js';
import { createVerifier } from '../../src/signature/verifier.js';
import { T, body, hmacHex, secret } from './vectors.js';

const clock = { now: () => T };
const header = (payload: string | Uint8Array, t: number | string = T) =>
  `t=${t}, v1=${hmacHex(t, payload)}`;

describe('createVerifier().verifyAndParse', () => {
  const verifier = createVerifier({ secret, clock });

  it('returns the wire event parsed from the exact bytes', () => {
    const event = verifier.verifyAndParse(Buffer.from(body), header(body));
    expect(event).toEqual(JSON.parse(body));
    expect(event.data).toEqual({ id: 'directory_user_01', first_name: 'Zoë', emoji: '😀' });
  });

  it('parses strings, Uint8Arrays and ArrayBuffers to the same event', () => {
    const expected = JSON.parse(body) as unknown;
    const u8 = new TextEncoder().encode(body);
    expect(verifier.verifyAndParse(body, header(body))).toEqual(expected);
    expect(verifier.verifyAndParse(u8, header(body))).toEqual(expected);
    expect(verifier.verifyAndParse(u8.buffer, header(body))).toEqual(expected);
  });

  it('keeps integers beyond 2^53 as JSON.parse gives them (no re-serialization happens)', () => {
    const big = '{"id":"e","event":"x","created_at":"c","data":{"n":12345678901234567890}}';
    expect(verifier.verifyAndParse(big, header(big)).data.n).toBe(
      JSON.parse('12345678901234567890'),
    );
  });

  it('returns a parsed object payload as is after checking its envelope', () => {
    const object = JSON.parse(body) as object;
    expect(verifier.verifyAndParse(object, header(body))).toBe(object);
  });

  it('checks the signature before parsing: a bad signature on non-JSON is a signature error', () => {
    expect(() => verifier.verifyAndParse('not json', header('other'))).toThrow(
      SignatureVerificationException,
    );
  });

  it('rejects a correctly signed body that is not JSON with code invalid_json', () => {
    let caught: unknown;
    try {
      verifier.verifyAndParse('not json', header('not json'));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WebhookBodyError);
    expect((caught as WebhookBodyError).code).toBe('invalid_json');
    expect((caught as WebhookBodyError).cause).toBeInstanceOf(SyntaxError);
  });

  it('rejects a correctly signed body with a BOM as invalid_json (as JSON.parse in the SDK)', () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]);
    expect(() => verifier.verifyAndParse(bom, header(bom))).toThrow(WebhookBodyError);
  });

  it.each([
    ['an array', '[1,2]', 'not_json_object', ''],
    ['a string', '"x"', 'not_json_object', ''],
    ['no id', '{"event":"x","created_at":"c","data":{}}', 'invalid_envelope', 'id'],
    ['numeric id', '{"id":1,"event":"x","created_at":"c","data":{}}', 'invalid_envelope', 'id'],
    ['no created_at', '{"id":"e","event":"x","data":{}}', 'invalid_envelope', 'created_at'],
    [
      'data null',
      '{"id":"e","event":"x","created_at":"c","data":null}',
      'invalid_envelope',
      'data',
    ],
  ])(
    'rejects a signed body that is %s with a field-naming EventValidationError',
    (_n, text, code, path) => {
      let caught: unknown;
      try {
        verifier.verifyAndParse(text, header(text));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(EventValidationError);
      expect((caught as EventValidationError).code).toBe(code);
      expect((caught as EventValidationError).path).toBe(path);
    },
  );
});

describe('createVerifier().constructEvent', () => {
  it('returns the deserialized event (camelCase envelope)', () => {
    const event = createVerifier({ secret, clock }).constructEvent(body, header(body));
    expect(event.id).toBe('event_01');
    expect(event.event).toBe('dsync.user.created');
    expect(event.createdAt).toBe('2024-01-01T00:00:00.000Z');
  });
});

describe('createVerifier options', () => {
  it('reads the injected clock on every call', () => {
    let now = T;
    const verifier = createVerifier({ secret, clock: { now: () => now } });
    expect(verifier.verify(body, header(body)).timestampMs).toBe(T);
    now = T + 180_001;
    expect(() => verifier.verify(body, header(body))).toThrow(/tolerance zone/);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, '1000' as unknown as number])(
    'refuses toleranceMs %s at creation',
    (toleranceMs) => {
      expect(() => createVerifier({ secret, toleranceMs })).toThrow(RangeError);
    },
  );

  it('refuses a missing secret at creation with code no_secret', () => {
    expect(() => createVerifier({ secret: '' })).toThrow(
      expect.objectContaining({ code: 'no_secret' }),
    );
    expect(() => createVerifier({ secret: ['a', ''] })).toThrow(
      expect.objectContaining({ code: 'no_secret' }),
    );
  });

  it('names the unset entry of a rotation list, since the others were given', () => {
    const unset = process.env.WORKOS_INBOX_SURELY_UNSET_SECRET as string;
    expect(() => createVerifier({ secret: ['whsec_old', ''] })).toThrow(
      'No webhook secret was given in secret[1] of the list (empty): every secret of a rotation ' +
        'must be a non-empty string (an unset environment variable?)',
    );
    expect(() => createVerifier({ secret: [unset, 'whsec_new'] })).toThrow(
      expect.objectContaining({
        code: 'no_secret',
        message: expect.stringContaining('secret[0] of the list (undefined)'),
      }),
    );
  });

  it('reports which secret matched while rotating', () => {
    const verifier = createVerifier({ secret: ['whsec_new', secret], clock });
    expect(verifier.verify(body, header(body))).toEqual({ timestampMs: T, secretIndex: 1 });
  });
});
