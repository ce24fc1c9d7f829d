/** A database URL safe to log or print: the password is masked. */
export function redactDatabase(database: string): string {
  return database.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/i, '$1:***@');
}
