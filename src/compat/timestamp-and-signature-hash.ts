/**
 * `[timestamp, signatureHash]` as the SDK returns it, that can also be destructured as
 * `{ timestamp, signatureHash }` (the form the SDK's guide shows, which the SDK itself does not
 * support). The named properties are non-enumerable so the value still deep-equals, logs and
 * serializes as the SDK's plain two-element array.
 */
export type TimestampAndSignatureHash = [string, string] & {
  readonly timestamp: string;
  readonly signatureHash: string;
};

export function timestampAndSignatureHash(
  timestamp: string,
  signatureHash: string,
): TimestampAndSignatureHash {
  const pair = [timestamp, signatureHash] as [string, string];
  Object.defineProperties(pair, {
    timestamp: { value: timestamp, enumerable: false },
    signatureHash: { value: signatureHash, enumerable: false },
  });
  return pair as TimestampAndSignatureHash;
}
