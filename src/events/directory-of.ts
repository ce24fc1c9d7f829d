/**
 * The directory a Directory Sync event is about: `data.id` of `dsync.activated` / `dsync.deleted`,
 * else `data.directory_id`, else the group's (`data.group.directory_id`); '' when it names none.
 * The mirror serializes one directory's writes on PostgreSQL (a lock per directory), and the
 * inbox stores it with each `dsync.*` event so a worker can claim one directory's events.
 */
export function directoryOf(event: string, data: Record<string, unknown>): string {
  if (event === 'dsync.activated' || event === 'dsync.deleted') return String(data.id ?? '');
  if (typeof data.directory_id === 'string') return data.directory_id;
  const group = data.group as Record<string, unknown> | undefined;
  return typeof group?.directory_id === 'string' ? group.directory_id : '';
}

/** {@link directoryOf} of a parsed event, '' for any event but `dsync.*`. */
export function directoryOfEvent(event: string, data: unknown): string {
  return event.startsWith('dsync.') && typeof data === 'object' && data !== null
    ? directoryOf(event, data as Record<string, unknown>)
    : '';
}

/** {@link directoryOf} of a stored body, '' for any event but `dsync.*` and for a body without a JSON object `data`. */
export function directoryOfBody(event: string, rawBody: Uint8Array): string {
  if (!event.startsWith('dsync.')) return '';
  try {
    const parsed = JSON.parse(Buffer.from(rawBody).toString('utf8')) as { data?: unknown };
    const data = parsed?.data;
    return typeof data === 'object' && data !== null && !Array.isArray(data)
      ? directoryOf(event, data as Record<string, unknown>)
      : '';
  } catch {
    return '';
  }
}
