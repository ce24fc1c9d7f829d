import { html } from '../html.js';
import type { SafeHtml } from '../html.js';
import { dashboardBase } from '../layout.js';
import { directoryHref } from '../directory-links.js';
import { directoryListLimit } from '../directory-queries.js';
import type {
  DirectoryGroupRow,
  DirectoryRow,
  DirectoryUserRow,
  Membership,
} from '../directory-queries.js';

const base = `${dashboardBase}/directory`;

/** Deleted and inactive rows are marked in words, not only by colour. */
function marks(row: { deletedAt: string | null; state?: string | null }): SafeHtml {
  return html`${row.deletedAt ? html` <span class="badge badge-deleted">deleted</span>` : ''}${
    row.state === 'inactive' ? html` <span class="badge badge-inactive">inactive</span>` : ''
  }`;
}
const rowClass = (row: { deletedAt: string | null }) => (row.deletedAt ? 'deleted' : '');

function userName(u: DirectoryUserRow): string {
  const name = [u.firstName, u.lastName].filter((s) => s).join(' ');
  return name === '' ? '(no name)' : name;
}

function more(rows: readonly unknown[]): SafeHtml {
  return rows.length > directoryListLimit
    ? html`<p class="muted">Showing the first ${directoryListLimit}; search to narrow.</p>`
    : html``;
}

/** One column of a directory table: its header and how a row fills its cell. */
interface Column<T> {
  header: string;
  cell: (row: Membership<T>) => SafeHtml | string;
  /** The cell holds an id (shown in full, monospaced). */
  id?: boolean;
}

const removed = (row: Membership<unknown>, label: string): SafeHtml | string =>
  row.membershipDeletedAt ? html` <span class="badge badge-deleted">${label}</span>` : '';
const idColumn: Column<{ id: string }> = { header: 'Id', cell: ({ item }) => item.id, id: true };

const userColumns: ReadonlyArray<Column<DirectoryUserRow>> = [
  {
    header: 'Email',
    cell: (row) =>
      html`<a href="${directoryHref('user', row.item.id)}">${row.item.email ?? '(no email)'}</a
        >${marks(row.item)}${removed(row, 'removed from group')}`,
  },
  { header: 'Name', cell: ({ item }) => userName(item) },
  idColumn,
];
const groupColumns: ReadonlyArray<Column<DirectoryGroupRow>> = [
  {
    header: 'Group',
    cell: (row) =>
      html`<a href="${directoryHref('group', row.item.id)}">${row.item.name ?? '(no name)'}</a
        >${marks(row.item)}${removed(row, 'membership removed')}`,
  },
  idColumn,
];
const directoryColumns: ReadonlyArray<Column<DirectoryRow>> = [
  {
    header: 'Name',
    cell: ({ item: d }) =>
      html`<a href="${directoryHref('directory', d.id)}">${d.name ?? '(no name)'}</a
        >${marks({ deletedAt: d.deletedAt, state: d.state === 'unlinked' ? 'inactive' : d.state })}`,
  },
  { header: 'Type', cell: ({ item }) => item.type ?? '' },
  { header: 'Domain', cell: ({ item }) => item.domain ?? '' },
  idColumn,
];

/**
 * Users, groups or directories (with whether each one's membership was removed, where that
 * applies) as a captioned table of the first rows, or `empty` when there are none.
 */
function membershipTable<T extends { deletedAt: string | null }>(
  caption: string,
  columns: ReadonlyArray<Column<T>>,
  rows: ReadonlyArray<Membership<T>>,
  empty: SafeHtml,
): SafeHtml {
  if (rows.length === 0) return empty;
  return html`<div class="table-wrap">
      <table>
        <caption>
          ${caption}
        </caption>
        <thead>
          <tr>
            ${columns.map((c) => html`<th scope="col">${c.header}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${rows.slice(0, directoryListLimit).map(
            (row) =>
              html`<tr class="${rowClass(row.item)}">
                ${columns.map((c) => html`<td ${c.id ? html`class="id"` : ''}>${c.cell(row)}</td>`)}
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${more(rows)}`;
}

const noUsers = html`<p class="muted">No users.</p>`;
const noGroups = html`<p class="muted">No groups.</p>`;
const usersTable = (caption: string, rows: ReadonlyArray<Membership<DirectoryUserRow>>) =>
  membershipTable(caption, userColumns, rows, noUsers);
const groupsTable = (caption: string, rows: ReadonlyArray<Membership<DirectoryGroupRow>>) =>
  membershipTable(caption, groupColumns, rows, noGroups);

const plain = <T>(rows: readonly T[]): Array<Membership<T>> =>
  rows.map((item) => ({ item, membershipDeletedAt: null }));

function searchForm(term: string): SafeHtml {
  return html`<form method="get" action="${base}" role="search" class="filters">
    <div>
      <label for="q">Search users by email or name, groups by name</label>
      <input id="q" name="q" value="${term}" type="search" />
    </div>
    <div><button type="submit">Search</button></div>
  </form>`;
}

/** Directories, and search results when a term was given. */
export function directoryIndexBody(options: {
  directories: readonly DirectoryRow[];
  term: string;
  results?: { users: DirectoryUserRow[]; groups: DirectoryGroupRow[] } | undefined;
}): SafeHtml {
  const { directories, results } = options;
  return html`${searchForm(options.term)}
    ${
      results
        ? html`<section aria-labelledby="results-h">
            <h2 id="results-h">Results for “${options.term}”</h2>
            ${usersTable('Users', plain(results.users))}
            ${groupsTable('Groups', plain(results.groups))}
          </section>`
        : ''
    }
    <section aria-labelledby="dirs-h">
      <h2 id="dirs-h">Directories</h2>
      ${membershipTable(
        'Directories in the mirror',
        directoryColumns,
        plain(directories),
        html`<p class="muted">
          The mirror has no directory yet. Send directory events (try
          <code>workos-inbox trigger --scenario directory-sync</code>).
        </p>`,
      )}
    </section>`;
}

/** One directory: its users and its groups. */
export function directoryBody(options: {
  directory: DirectoryRow;
  users: readonly DirectoryUserRow[];
  groups: readonly DirectoryGroupRow[];
}): SafeHtml {
  const d = options.directory;
  return html`<p class="id">${d.id}${marks(d)}</p>
    <section aria-labelledby="users-h">
      <h2 id="users-h">Users</h2>
      ${usersTable('Users in this directory', plain(options.users))}
    </section>
    <section aria-labelledby="groups-h">
      <h2 id="groups-h">Groups</h2>
      ${groupsTable('Groups in this directory', plain(options.groups))}
    </section>
    <p><a href="${base}">← Directories</a></p>`;
}

/** One user and the groups they are (or were) in. */
export function userBody(
  user: DirectoryUserRow,
  groups: ReadonlyArray<Membership<DirectoryGroupRow>>,
): SafeHtml {
  return html`<dl class="facts">
      <div>
        <dt>id</dt>
        <dd class="id">${user.id}</dd>
      </div>
      <div>
        <dt>email</dt>
        <dd>${user.email ?? '—'}</dd>
      </div>
      <div>
        <dt>state</dt>
        <dd>${user.state ?? '—'}${marks(user)}</dd>
      </div>
      <div>
        <dt>directory</dt>
        <dd>
          ${user.directoryId ? html`<a href="${directoryHref('directory', user.directoryId)}">${user.directoryId}</a>` : '—'}
        </dd>
      </div>
    </dl>
    <section aria-labelledby="ug-h">
      <h2 id="ug-h">Groups</h2>
      ${groupsTable('Groups of this user', groups)}
    </section>`;
}

/** One group and its members. */
export function groupBody(
  group: DirectoryGroupRow,
  users: ReadonlyArray<Membership<DirectoryUserRow>>,
): SafeHtml {
  return html`<dl class="facts">
      <div>
        <dt>id</dt>
        <dd class="id">${group.id}${marks(group)}</dd>
      </div>
      <div>
        <dt>directory</dt>
        <dd>
          ${group.directoryId ? html`<a href="${directoryHref('directory', group.directoryId)}">${group.directoryId}</a>` : '—'}
        </dd>
      </div>
    </dl>
    <section aria-labelledby="gu-h">
      <h2 id="gu-h">Members</h2>
      ${usersTable('Members of this group', users)}
    </section>`;
}

export { userName };
