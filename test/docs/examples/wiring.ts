// Test wiring for the examples, kept outside their documented regions: the tests pass what a
// snippet takes from its surroundings (a secret, a port, an id) through the environment.

/** An environment variable the test must set. */
export function fromTest(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`the test sets ${name} before running this example`);
  return value;
}

/**
 * Send the snippet's requests for `from` (as users write it, e.g. http://127.0.0.1:3000) to the
 * test's server on another port, so the snippet runs unchanged. The SDK captures `fetch` when it
 * is constructed, so call this before.
 */
export function redirectFetch(from: string, to: string): void {
  const original = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.startsWith(from)) return original(input, init);
    const target = to + url.slice(from.length);
    return original(input instanceof Request ? new Request(target, input) : target, init);
  };
}
