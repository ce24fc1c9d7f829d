// docs/inbox.md "Adapters": Express with a global JSON parser that keeps the raw bytes.
import express from 'express';
import { inbox } from './inbox-for-adapter.js';

const app = express();

// #region express-raw-body
import { captureRawBody } from 'workos-inbox';

// keeps req.rawBody for the signature; Express's parsers stop at 100 KB unless told the inbox's 1 MiB
app.use(express.json({ verify: captureRawBody, limit: '1mb' }));
app.post('/webhooks/workos', inbox.express());
// or: app.post('/webhooks/workos', express.raw({ type: '*/*', limit: '1mb' }), inbox.express());
// #endregion express-raw-body

// Another route of the app still gets the parsed JSON.
app.post('/echo', (req, res) => void res.json(req.body));

export { app, inbox };
