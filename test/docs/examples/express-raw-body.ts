// docs/inbox.md "Adapters": Express with a global JSON parser that keeps the raw bytes.
import express from 'express';
import { inbox } from './inbox-for-adapter.js';

const app = express();

// #region express-raw-body
import { captureRawBody } from 'workos-inbox';

app.use(express.json({ verify: captureRawBody })); // keeps req.rawBody for the signature
app.post('/webhooks/workos', inbox.express());
// or: app.post('/webhooks/workos', express.raw({ type: '*/*' }), inbox.express());
// #endregion express-raw-body

// Another route of the app still gets the parsed JSON.
app.post('/echo', (req, res) => void res.json(req.body));

export { app, inbox };
