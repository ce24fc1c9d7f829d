// The admin API's one way to read what a request names: a JSON body that must be an object, and
// fields or query parameters it refuses when unknown. Refused, not ignored: a misspelt filter
// (`stauts=dead`, `{"evnet": …}`) would otherwise widen a list, a redrive or a prune to everything.

/** Makes the route's own 400 error for `field` (its error class carries the field). */
export type FieldFailure = (message: string, field: string) => Error;

/**
 * A request body that must be a JSON object; an empty body is `{}`. `example` completes "must be
 * a JSON object such as …".
 */
export function parseJsonObjectBody(
  text: string,
  example: string,
  fail: FieldFailure,
): Record<string, unknown> {
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw fail('the body is not valid JSON', 'body');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw fail(
      `the body must be a JSON object such as ${example}, got ${JSON.stringify(parsed)}`,
      'body',
    );
  }
  return parsed as Record<string, unknown>;
}

/** The first of `names` not in `allowed`, or undefined. */
export function firstUnknown(
  names: Iterable<string>,
  allowed: readonly string[],
): string | undefined {
  for (const name of names) if (!allowed.includes(name)) return name;
  return undefined;
}

/** The message for an unknown field or query parameter, naming the ones the route takes. */
export function unknownNameMessage(
  name: string,
  allowed: readonly string[],
  kind: 'field' | 'query parameter' = 'field',
): string {
  return allowed.length === 0
    ? `unknown ${kind} "${name}": this route takes none`
    : `unknown ${kind} "${name}"; use ${allowed.join(', ')}`;
}

/** Throw `fail` for the first of `names` not in `allowed`. */
export function refuseUnknown(
  names: Iterable<string>,
  allowed: readonly string[],
  fail: FieldFailure,
  kind: 'field' | 'query parameter' = 'field',
): void {
  const unknown = firstUnknown(names, allowed);
  if (unknown !== undefined) throw fail(unknownNameMessage(unknown, allowed, kind), unknown);
}
