// docs/inbox.md "Adapters": Fastify.
import Fastify from 'fastify';
import { inbox } from './inbox-for-adapter.js';

const app = Fastify();

// #region fastify-plugin
await app.register(inbox.fastify, { path: '/webhooks/workos' });
// #endregion fastify-plugin

export { app, inbox };
