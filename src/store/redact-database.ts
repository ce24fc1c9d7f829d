/**
 * A database URL safe to log or print: the password is masked, in a URL of any scheme, up to the
 * last `@` before the path (a password may hold an unencoded `@`).
 */
export function redactDatabase(database: string): string {
  return database.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^/]*@/i, '$1:***@');
}
