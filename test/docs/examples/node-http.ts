// docs/inbox.md "Adapters": node:http.
import http from 'node:http';
import { inbox } from './inbox-for-adapter.js';

const port = 0; // the test's free port; 3000 in an app

// #region node-http
const server = http.createServer(inbox.node()).listen(port);
// #endregion node-http

export { inbox, server };
