import type { Command } from 'commander';
import type { Store } from '../store/types.js';
import { addDatabaseFlags } from './database-flags.js';
import { CliError, exitCodes } from './exit-codes.js';
import { addJsonOption, writeJson, writeJsonLine } from './json-error.js';
import { withCliStore } from './open-cli-store.js';
import type { DatabaseFlags } from './open-cli-store.js';
import { formatTable } from './table.js';

type Wire = Record<string, unknown>;

interface ListFlags extends DatabaseFlags {
  directory?: string;
  group?: string;
  organization?: string;
  limit?: string;
  json?: boolean;
}

/**
 * `directory users|groups|user <id>`: read the mirror from the database, through the same
 * handler as the server's WorkOS-compatible API, so `--json` prints exactly what the API returns.
 */
export function registerDirectory(program: Command): void {
  const directory = program
    .command('directory')
    .description('read the directory mirror (users, groups) straight from the database');

  const users = directory
    .command('users')
    .description('directory users (live ones; deleted users are tombstoned, not listed)')
    .option('--directory <id>', 'only this directory')
    .option('--group <id>', 'only members of this group')
    .option('--organization <id>', 'only this organization')
    .option('--limit <n>', 'at most this many (default: all)');
  addJsonOption(
    users,
    'one JSON object per line, as GET /directory_users returns them; a failure ends with {"error": {code, message}}',
  );
  addDatabaseFlags(users).action(async (flags: ListFlags) => {
    await printList(
      flags,
      '/directory_users',
      ['ID', 'EMAIL', 'FIRST', 'LAST', 'STATE', 'DIRECTORY'],
      (u) => [
        text(u.id),
        text(u.email),
        text(u.first_name),
        text(u.last_name),
        text(u.state),
        text(u.directory_id),
      ],
    );
  });

  const groups = directory
    .command('groups')
    .description('directory groups')
    .option('--directory <id>', 'only this directory')
    .option('--organization <id>', 'only this organization')
    .option('--limit <n>', 'at most this many (default: all)');
  addJsonOption(
    groups,
    'one JSON object per line, as GET /directory_groups returns them; a failure ends with {"error": {code, message}}',
  );
  addDatabaseFlags(groups).action(async (flags: ListFlags) => {
    await printList(flags, '/directory_groups', ['ID', 'NAME', 'DIRECTORY', 'UPDATED'], (g) => [
      text(g.id),
      text(g.name),
      text(g.directory_id),
      text(g.updated_at),
    ]);
  });

  const user = directory
    .command('user')
    .description('one directory user with its groups')
    .argument('<id>', 'directory user id, e.g. directory_user_01H…');
  addJsonOption(
    user,
    'as GET /directory_users/:id returns it, on a failure {"error": {code, message}}',
  );
  addDatabaseFlags(user).action(async (id: string, flags: DatabaseFlags & { json?: boolean }) => {
    await withCliStore(flags, async (store) => {
      const { handleMirrorRequest } = await import('../mirror/http/handle-mirror-request.js');
      const answer = await handleMirrorRequest(store, {
        method: 'GET',
        path: `/directory_users/${encodeURIComponent(id)}`,
        query: {},
      });
      if (!answer || answer.status === 404) {
        throw new CliError(`no directory user with id ${id}`, exitCodes.notFound, 'not_found');
      }
      const body = answer.body as Wire;
      if (flags.json) {
        writeJson(user, body);
        return;
      }
      const groupsOf = Array.isArray(body.groups) ? (body.groups as Wire[]) : [];
      process.stdout.write(
        [
          `id         ${text(body.id)}`,
          `email      ${text(body.email)}`,
          `name       ${text(body.first_name)} ${text(body.last_name)}`,
          `state      ${text(body.state)}`,
          `directory  ${text(body.directory_id)}`,
          `updated    ${text(body.updated_at)}`,
          `groups     ${groupsOf.map((g) => `${text(g.name)} (${text(g.id)})`).join(', ') || 'none'}`,
        ].join('\n') + '\n',
      );
    });
  });
}

function text(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

async function printList(
  flags: ListFlags,
  path: string,
  headers: string[],
  row: (item: Wire) => string[],
): Promise<void> {
  let limit = Number.POSITIVE_INFINITY;
  if (flags.limit !== undefined) {
    if (!/^\d+$/.test(flags.limit) || Number(flags.limit) < 1) {
      throw new CliError('--limit must be a whole number ≥ 1', exitCodes.usage);
    }
    limit = Number(flags.limit);
  }
  await withCliStore(flags, async (store) => {
    const rows: string[][] = [];
    let shown = 0;
    let more = false;
    for await (const item of pages(store, path, flags)) {
      if (shown >= limit) {
        more = true;
        break;
      }
      shown++;
      if (flags.json) writeJsonLine(item);
      else rows.push(row(item));
    }
    if (!flags.json) {
      process.stdout.write(rows.length === 0 ? 'none\n' : `${formatTable(headers, rows)}\n`);
    }
    // As `deliveries list`: else a --limit that cut the list reads as all there are.
    if (more) process.stderr.write(`${shown} shown; more match: pass --limit N to see more\n`);
    // An id that matches nothing may be a mistyped one: say so on stderr (exit 0, as for any
    // filter that matches nothing), with the directories the mirror has.
    if (shown === 0 && flags.directory !== undefined) {
      const note = await unknownDirectoryNote(store, flags.directory);
      if (note) process.stderr.write(`workos-inbox: ${note}\n`);
    }
    // The same for --group and --organization: "none" read as an empty group otherwise.
    for (const [id, path, what] of [
      [flags.group, '/directory_groups', 'directory group'],
      [flags.organization, '/organizations', 'organization'],
    ] as const) {
      if (
        shown === 0 &&
        id !== undefined &&
        !(await mirrorHas(store, `${path}/${encodeURIComponent(id)}`))
      ) {
        process.stderr.write(`workos-inbox: the mirror has no ${what} ${id}\n`);
      }
    }
  });
}

/** Whether the mirror's read API finds the object at `path` (`/organizations/org_…`). */
async function mirrorHas(store: Store, path: string): Promise<boolean> {
  const { handleMirrorRequest } = await import('../mirror/http/handle-mirror-request.js');
  const found = await handleMirrorRequest(store, { method: 'GET', path, query: {} });
  return found?.status === 200;
}

/** Directories a "no such directory" note lists, at most. */
const directoriesNamed = 5;

/** Undefined when the mirror has directory `id`, else what to tell. */
async function unknownDirectoryNote(store: Store, id: string): Promise<string | undefined> {
  const { handleMirrorRequest } = await import('../mirror/http/handle-mirror-request.js');
  const found = await handleMirrorRequest(store, {
    method: 'GET',
    path: `/directories/${encodeURIComponent(id)}`,
    query: {},
  });
  if (found?.status === 200) return undefined;
  const listed = await handleMirrorRequest(store, {
    method: 'GET',
    path: '/directories',
    query: { limit: String(directoriesNamed + 1) },
  });
  const known = (listed?.status === 200 ? (listed.body as { data: Wire[] }).data : []).map(
    (d) => `${text(d.id)} (${text(d.name)})`,
  );
  if (known.length === 0) {
    return `the mirror has no directory ${id}, nor any other yet (directories arrive with their dsync events, or run \`workos-inbox reconcile\`)`;
  }
  const more = known.length > directoriesNamed ? ', …' : '';
  return `the mirror has no directory ${id}; its directories: ${known.slice(0, directoriesNamed).join(', ')}${more}`;
}

async function* pages(store: Store, path: string, flags: ListFlags): AsyncGenerator<Wire> {
  const { handleMirrorRequest } = await import('../mirror/http/handle-mirror-request.js');
  let after: string | undefined;
  for (;;) {
    const query: Record<string, string> = { limit: '100' };
    if (flags.directory) query.directory = flags.directory;
    if (flags.group) query.group = flags.group;
    if (flags.organization) query.organization = flags.organization;
    if (after) query.after = after;
    // Without --directory or --group it lists the whole table, which the HTTP route (as WorkOS)
    // refuses.
    const answer = await handleMirrorRequest(
      store,
      { method: 'GET', path, query },
      { unfiltered: true },
    );
    if (!answer || answer.status !== 200) {
      const message = (answer?.body as { message?: string } | undefined)?.message;
      throw new CliError(`cannot list ${path}: ${message ?? 'unknown error'}`, exitCodes.usage);
    }
    const body = answer.body as { data: Wire[]; list_metadata: { after: string | null } };
    yield* body.data;
    if (!body.list_metadata.after) return;
    after = body.list_metadata.after;
  }
}
