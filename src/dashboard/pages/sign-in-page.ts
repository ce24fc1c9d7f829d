import { html } from '../html.js';
import { dashboardBase, page } from '../layout.js';

const messages: Record<string, string> = {
  token: 'That admin token is not right.',
  csrf: 'The form expired; please try again.',
  link: 'That sign-in link was already used or has expired. Restart npm start for a new one, or sign in with the admin token.',
  limited: 'Too many failed attempts from this address; try again later.',
  expired: 'Your session ended; please sign in again.',
};

/** The sign-in form: the admin token, exchanged for a session cookie. Shows no data. */
export function signInPage(formToken: string, error: string | undefined): string {
  const message = error ? messages[error] : undefined;
  return page({
    title: 'Sign in',
    body: html`<form method="post" action="${dashboardBase}/signin" class="signin">
      ${message ? html`<p class="error" role="alert">${message}</p>` : ''}
      <input type="hidden" name="csrf" value="${formToken}" />
      <label for="token">Admin token</label>
      <input
        id="token"
        name="token"
        type="password"
        autocomplete="current-password"
        required
        autofocus
      />
      <button type="submit">Sign in</button>
      <p class="muted">
        The admin token is the one <code>serve</code> uses for <code>/inbox</code> (<code
          >--admin-token</code
        >
        or <code>WORKOS_INBOX_ADMIN_TOKEN</code>; in development, the one
        <code>npm start</code> prints).
      </p>
    </form>`,
  });
}
