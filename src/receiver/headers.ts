/** Headers as node:http gives them (lowercase names) or as a Fetch `Headers` object. */
export type HeaderSource =
  Readonly<Record<string, string | string[] | undefined>> | { get(name: string): string | null };

/** One header value by lowercase name; repeated headers are joined as HTTP says (`, `). */
export function getHeader(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const value = (headers as { get(name: string): string | null }).get(name);
    return value ?? undefined;
  }
  const value = (headers as Readonly<Record<string, string | string[] | undefined>>)[name];
  if (Array.isArray(value)) return value.join(', ');
  return value;
}
