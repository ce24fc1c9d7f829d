/**
 * A destination URL safe to print or log: its origin and path, without credentials
 * (`user:pass@`), query or fragment, which may hold secrets (`?token=…`). Text that is not a URL
 * with a host loses the same parts by their punctuation: from the first `?` or `#` on, and
 * everything up to the last `@` (a scheme's `…://` kept).
 */
export function redactUrl(text: string): string {
  const url = parseUrl(text);
  // `origin` is "null" for schemes it does not know (ftp:): built from the parts instead. Text
  // such as `user:pass@host/path` parses with the scheme `user:` and all the rest as its path.
  if (url && url.host !== '') return `${url.protocol}//${url.host}${url.pathname}`;
  const withoutQuery = text.replace(/[?#].*$/s, '');
  const at = withoutQuery.lastIndexOf('@');
  if (at < 0) return withoutQuery;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(withoutQuery)?.[0] ?? '';
  return scheme + withoutQuery.slice(at + 1);
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
