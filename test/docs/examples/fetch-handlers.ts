// docs/inbox.md "Adapters": a `Request → Response` handler in Hono and a Next.js route.
import { Hono } from 'hono';
import { inbox } from './inbox-for-adapter.js';

const app = new Hono();

// #region fetch-handlers
app.post('/webhooks/workos', (c) => inbox.fetch(c.req.raw)); // Hono
export const POST = (request: Request) => inbox.fetch(request); // app/webhooks/workos/route.ts
// #endregion fetch-handlers

export { app, inbox };
