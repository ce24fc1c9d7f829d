// #region handlers
// handlers.mjs
export default {
  async 'dsync.user.created'(event, ctx) {
    // Your own table, in the inbox's database, in the event's transaction.
    await ctx.tx.query('CREATE TABLE IF NOT EXISTS app_users (id TEXT PRIMARY KEY, email TEXT)');
    // Idempotent: a replay, or a later event for the same user, updates the row.
    // `?? null`: some deliveries have no email, and a query refuses `undefined` (use null).
    await ctx.tx.query(
      `INSERT INTO app_users (id, email) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET email = excluded.email`,
      [event.data.id, event.data.email ?? null],
    );
  },
  // '*' runs for every event.
  async '*'(event, ctx) {
    ctx.logger.info({ event: event.event }, 'processed');
  },
};
// #endregion handlers
