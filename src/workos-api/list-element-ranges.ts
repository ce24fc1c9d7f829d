// Where each element of a list answer's `data` array lies in the answer's bytes, so the puller
// stores every event as WorkOS sent it (a view of the answer, no re-serializing). The document has
// already been through JSON.parse, so this only walks it: it skips strings with a native search
// for the closing quote and counts brackets elsewhere. It reads UTF-8 bytes: every byte that JSON's
// syntax cares about is ASCII, and no byte of a multi-byte character is below 0x80.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
/** `data`, the key looked for. */
const DATA = [0x64, 0x61, 0x74, 0x61] as const;

/** Thrown inside the walk when the bytes are not what it expects; the caller answers undefined. */
class NotAList extends Error {}

function isSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function skipSpace(bytes: Uint8Array, i: number): number {
  while (isSpace(bytes[i])) i++;
  return i;
}

function expect(bytes: Uint8Array, i: number, byte: number): number {
  if (bytes[i] !== byte) throw new NotAList();
  return i + 1;
}

/** `i` at an opening quote: the index after the closing one. */
function skipString(bytes: Uint8Array, i: number): number {
  for (let from = i + 1; ;) {
    const quote = bytes.indexOf(QUOTE, from);
    if (quote < 0) throw new NotAList();
    let backslashes = 0;
    while (bytes[quote - 1 - backslashes] === BACKSLASH) backslashes++;
    // An even run of backslashes escapes itself, not the quote.
    if (backslashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** `i` at the first byte of a value: the index after it. */
function skipValue(bytes: Uint8Array, i: number): number {
  const first = bytes[i];
  if (first === QUOTE) return skipString(bytes, i);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) {
    let depth = 0;
    for (;;) {
      const byte = bytes[i];
      if (byte === undefined) throw new NotAList();
      if (byte === QUOTE) {
        i = skipString(bytes, i);
        continue;
      }
      if (byte === OPEN_BRACE || byte === OPEN_BRACKET) depth++;
      else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
  }
  // A number, true, false or null: up to the next delimiter.
  const start = i;
  while (i < bytes.length) {
    const byte = bytes[i];
    if (byte === COMMA || byte === CLOSE_BRACE || byte === CLOSE_BRACKET || isSpace(byte)) break;
    i++;
  }
  if (i === start) throw new NotAList();
  return i;
}

/** Is the string at `i` (an opening quote) exactly "data"? */
function isDataKey(bytes: Uint8Array, i: number, end: number): boolean {
  if (end - i !== DATA.length + 2) return false;
  for (let k = 0; k < DATA.length; k++) if (bytes[i + 1 + k] !== DATA[k]) return false;
  return true;
}

/**
 * The `[start, end)` byte ranges of the elements of the top-level object's `data` array, in order;
 * undefined unless `bytes` is an object with a `data` array. Meant for a document that JSON.parse
 * accepted: it does not validate what it skips.
 */
export function listElementRanges(bytes: Uint8Array): Array<[number, number]> | undefined {
  try {
    let i = skipSpace(bytes, 0);
    // A UTF-8 byte-order mark, which TextDecoder (and so JSON.parse's input) drops.
    if (bytes[i] === 0xef && bytes[i + 1] === 0xbb && bytes[i + 2] === 0xbf)
      i = skipSpace(bytes, i + 3);
    i = expect(bytes, i, OPEN_BRACE);
    let ranges: Array<[number, number]> | undefined;
    for (;;) {
      i = skipSpace(bytes, i);
      if (bytes[i] === CLOSE_BRACE) return ranges;
      const keyEnd = skipString(bytes, expect(bytes, i, QUOTE) - 1);
      const isData = isDataKey(bytes, i, keyEnd);
      i = skipSpace(bytes, expect(bytes, skipSpace(bytes, keyEnd), COLON));
      if (isData && bytes[i] === OPEN_BRACKET) {
        // The last "data" wins, as in JSON.parse.
        ranges = [];
        i = skipSpace(bytes, i + 1);
        if (bytes[i] === CLOSE_BRACKET) i++;
        else {
          for (;;) {
            const end = skipValue(bytes, i);
            ranges.push([i, end]);
            i = skipSpace(bytes, end);
            if (bytes[i] === CLOSE_BRACKET) {
              i++;
              break;
            }
            i = skipSpace(bytes, expect(bytes, i, COMMA));
          }
        }
      } else {
        if (isData) ranges = undefined;
        i = skipValue(bytes, i);
      }
      i = skipSpace(bytes, i);
      if (bytes[i] === COMMA) i++;
      else if (bytes[i] !== CLOSE_BRACE) throw new NotAList();
    }
  } catch (error) {
    if (error instanceof NotAList) return undefined;
    throw error;
  }
}
