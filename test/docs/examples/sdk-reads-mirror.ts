// README, docs/mirror.md and docs/cli.md: the official SDK reads the mirror. The test serves a
// seeded mirror on a free port and passes its URL, the admin token and a directory id.
import { fromTest, redirectFetch } from './wiring.js';

const adminToken = fromTest('ADMIN_TOKEN');
const directory = fromTest('DIRECTORY_ID');
redirectFetch('http://127.0.0.1:3000/', fromTest('MIRROR_URL'));

// #region sdk-reads-mirror
import { WorkOS } from '@workos-inc/node';

// The official SDK, pointed at `workos-inbox serve` on port 3000, reads the mirror:
const workos = new WorkOS(adminToken, { apiHostname: '127.0.0.1', https: false, port: 3000 });
const users = await (await workos.directorySync.listUsers({ directory })).autoPagination();
console.log(users.map((user) => user.email)); // every page: autoPagination() resolves to an array
// #endregion sdk-reads-mirror

export { users };
