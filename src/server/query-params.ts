/**
 * The first query parameter of `query` not in `allowed`, or undefined. The admin API's lists
 * refuse one (400, naming it) rather than ignore it: a misspelled filter (`stauts=dead`) would
 * otherwise list everything.
 */
export function unknownQueryParam(
  query: URLSearchParams,
  allowed: readonly string[],
): string | undefined {
  for (const name of query.keys()) if (!allowed.includes(name)) return name;
  return undefined;
}

/** The message for {@link unknownQueryParam}'s finding. */
export function unknownQueryParamMessage(name: string, allowed: readonly string[]): string {
  return `unknown query parameter "${name}"; use ${allowed.join(', ')}`;
}
