/** A query string as frameworks hand it over, or as `URLSearchParams`. */
export type MirrorQuery =
  URLSearchParams | Readonly<Record<string, string | readonly string[] | undefined>>;

function values(query: MirrorQuery, name: string): string[] {
  if (query instanceof URLSearchParams) return query.getAll(name);
  const value = query[name];
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...value];
}

/** The single value of a parameter; empty counts as absent (the SDK never sends empty ones). */
export function one(query: MirrorQuery, name: string): string | undefined {
  const [value] = values(query, name);
  return value === undefined || value === '' ? undefined : value;
}

/**
 * A list parameter in every form clients send: repeated (`a=x&a=y`), bracketed (`a[]=x`) and
 * comma-joined (`a=x,y`, what the SDK's URLSearchParams does with arrays).
 */
export function many(query: MirrorQuery, name: string): string[] | undefined {
  const all = [...values(query, name), ...values(query, `${name}[]`)]
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  return all.length > 0 ? all : undefined;
}
