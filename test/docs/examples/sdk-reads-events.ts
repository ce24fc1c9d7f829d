// README: the official SDK reads serve's own GET /events. The test serves an inbox holding a few
// events on a free port and passes its URL and the admin token.
import { WorkOS } from '@workos-inc/node';
import { fromTest, redirectFetch } from './wiring.js';

const adminToken = fromTest('ADMIN_TOKEN');
redirectFetch('http://localhost:3000/', fromTest('EVENTS_URL'));

// #region sdk-reads-events
const workos = new WorkOS(adminToken, { apiHostname: 'localhost', port: 3000, https: false });
const { data } = await workos.events.listEvents({ events: ['dsync.user.created'], order: 'asc' });
// #endregion sdk-reads-events

export { data };
