// README and docs/inbox.md: the durable inbox in an Express app. Run as a program by
// test/docs/inbox-express.test.ts (DATABASE_URL, PORT, WORKOS_WEBHOOK_SECRET), then sent SIGTERM.
// #region inbox-express
import express from 'express';
import { createInbox } from 'workos-inbox';

// Your tables, migrated with the inbox's own at start (each component is versioned on its own).
const usersTable = {
  version: 1,
  name: '0001-users',
  sql: 'CREATE TABLE users (directory_user_id TEXT PRIMARY KEY, email TEXT)',
};

const inbox = await createInbox({
  database: process.env.DATABASE_URL ?? 'data/inbox.db', // a SQLite file or postgres://user@host/db
  secret: process.env.WORKOS_WEBHOOK_SECRET!,
  migrationSets: [{ component: 'my-app', sqlite: [usersTable], postgres: [usersTable] }],
});

inbox.on('dsync.user.created', async (event, ctx) => {
  // Writes through ctx.tx commit atomically with the event's status: exactly once.
  // ON CONFLICT: a replay, or another event for the same user, updates the row.
  // `?? null`: some deliveries have no email, and a query refuses `undefined` (use null).
  await ctx.tx.query(
    `INSERT INTO users (directory_user_id, email) VALUES ($1, $2)
     ON CONFLICT (directory_user_id) DO UPDATE SET email = excluded.email`,
    [event.data.id, event.data.email ?? null],
  );
});

const app = express();
app.post('/webhooks/workos', inbox.express()); // before express.json(), or see captureRawBody
await inbox.start(); // the worker
const server = app.listen(Number(process.env.PORT ?? 3000));

process.on('SIGTERM', () => {
  server.close(); // stop accepting connections; the process exits once everything is closed
  void inbox.close(); // 503 to late requests, finish commits and handlers, release leases
});
// #endregion inbox-express
