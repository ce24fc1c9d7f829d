/**
 * PostgreSQL: the first key of the transaction-scoped advisory locks that serialize the mirror's
 * writes per directory (`pg_advisory_xact_lock(directoryLockSpace, hashtext(directory_id))`),
 * taken by the mirror's writes (lockDirectoriesSql), reconcile, and the worker's claim, which
 * takes one without waiting to pick the directory it applies (lease-operations.ts).
 */
export const directoryLockSpace = 1835627634;
