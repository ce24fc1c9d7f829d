import { html } from '../html.js';
import type { SafeHtml } from '../html.js';
import { dashboardBase } from '../layout.js';
import { directoryListLimit } from '../directory-queries.js';
import type {
  DirectoryGroupRow,
  DirectoryRow,
  DirectoryUserRow,
  Membership,
} from '../directory-queries.js';

const base = `${dashboardBase}/directory`;
const userHref = (id: string) => `${base}/users/${encodeURIComponent(id)}`;
const groupHref = (id: string) => `${base}/groups/${encodeURIComponent(id)}`;

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

function usersTable(caption: string, users: ReadonlyArray<Membership<DirectoryUserRow>>): SafeHtml {
  if (users.length === 0) return html`<p class="muted">No users.</p>`;
  return html`<div class="table-wrap">
      <table>
        <caption>
          ${caption}
        </caption>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Name</th>
            <th scope="col">Id</th>
          </tr>
        </thead>
        <tbody>
          ${users.slice(0, directoryListLimit).map(
            ({ item: u, membershipDeletedAt }) =>
              html`<tr class="${rowClass(u)}">
                <td>
                  <a href="${userHref(u.id)}">${u.email ?? '(no email)'}</a
                  >${marks(u)}${membershipDeletedAt ? html` <span class="badge badge-deleted">removed from group</span>` : ''}
                </td>
                <td>${userName(u)}</td>
                <td class="id">${u.id}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${more(users)}`;
}

function groupsTable(
  caption: string,
  groups: ReadonlyArray<Membership<DirectoryGroupRow>>,
): SafeHtml {
  if (groups.length === 0) return html`<p class="muted">No groups.</p>`;
  return html`<div class="table-wrap">
      <table>
        <caption>
          ${caption}
        </caption>
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col">Id</th>
          </tr>
        </thead>
        <tbody>
          ${groups.slice(0, directoryListLimit).map(
            ({ item: g, membershipDeletedAt }) =>
              html`<tr class="${rowClass(g)}">
                <td>
                  <a href="${groupHref(g.id)}">${g.name ?? '(no name)'}</a
                  >${marks(g)}${membershipDeletedAt ? html` <span class="badge badge-deleted">membership removed</span>` : ''}
                </td>
                <td class="id">${g.id}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${more(groups)}`;
}

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
      ${
        directories.length === 0
          ? html`<p class="muted">
              The mirror has no directory yet. Send directory events (try
              <code>workos-inbox trigger --scenario directory-sync</code>).
            </p>`
          : html`<div class="table-wrap">
                <table>
                  <caption>
                    Directories in the mirror
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Type</th>
                      <th scope="col">Domain</th>
                      <th scope="col">Id</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${directories.slice(0, directoryListLimit).map(
                      (d) =>
                        html`<tr class="${rowClass(d)}">
                          <td>
                            <a href="${base}/${encodeURIComponent(d.id)}"
                              >${d.name ?? '(no name)'}</a
                            >${marks({ deletedAt: d.deletedAt, state: d.state === 'unlinked' ? 'inactive' : d.state })}
                          </td>
                          <td>${d.type ?? ''}</td>
                          <td>${d.domain ?? ''}</td>
                          <td class="id">${d.id}</td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </div>
              ${more(directories)}`
      }
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
          ${user.directoryId ? html`<a href="${base}/${encodeURIComponent(user.directoryId)}">${user.directoryId}</a>` : '—'}
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
          ${group.directoryId ? html`<a href="${base}/${encodeURIComponent(group.directoryId)}">${group.directoryId}</a>` : '—'}
        </dd>
      </div>
    </dl>
    <section aria-labelledby="gu-h">
      <h2 id="gu-h">Members</h2>
      ${usersTable('Members of this group', users)}
    </section>`;
}

export { userName };
