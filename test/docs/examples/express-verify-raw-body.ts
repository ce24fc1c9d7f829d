// docs/verification.md "Give it the raw body": a global express.json() that keeps the raw bytes,
// with req.rawBody typed for TypeScript (strict), as the docs show it.
import express from 'express';
import { createVerifier } from 'workos-inbox';

const app = express();
const verifier = createVerifier({ secret: process.env.WORKOS_WEBHOOK_SECRET! });

// #region express-verify-raw-body
// TypeScript: Express's requests are Node's IncomingMessage; declare the field the parser fills.
declare module 'http' {
  interface IncomingMessage {
    rawBody?: Buffer;
  }
}

app.use(
  express.json({
    verify: (req, _res, buf) => {
      req.rawBody = buf;
    },
  }),
);
app.post('/webhooks', (req, res) => {
  try {
    const event = verifier.constructEvent(req.rawBody ?? '', req.headers['workos-signature']);
    res.json({ received: event.id });
  } catch {
    res.sendStatus(401);
  }
});
// #endregion express-verify-raw-body

export { app };
