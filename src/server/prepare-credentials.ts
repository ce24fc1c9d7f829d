import { defaults } from '../defaults.js';
import { join } from 'node:path';
import type { ServeConfig } from './config.js';
import { devAdminTokenFile, devSecretFile, ensureDevCredential } from './dev-credentials.js';

export interface PreparedCredentials {
  secrets: string[];
  adminToken: string;
  /** Which ones came from the data folder (development), to show them to the developer. */
  fromDataDir: { secret: boolean; adminToken: boolean; secretCreated: boolean };
}

/**
 * Fill in a missing secret or admin token in development from the data folder (created on
 * first start). Production never gets here without both: `resolveServeConfig` refuses first.
 */
export function prepareCredentials(config: ServeConfig): PreparedCredentials {
  let secrets = config.secrets;
  let adminToken = config.adminToken;
  const fromDataDir = { secret: false, adminToken: false, secretCreated: false };
  if (secrets.length === 0) {
    const dev = ensureDevCredential(config.dataDir, devSecretFile, 'wi_dev_secret_');
    secrets = [dev.value];
    fromDataDir.secret = true;
    fromDataDir.secretCreated = dev.created;
  }
  if (adminToken === undefined) {
    adminToken = ensureDevCredential(config.dataDir, devAdminTokenFile, 'wi_dev_admin_').value;
    fromDataDir.adminToken = true;
  }
  return { secrets, adminToken, fromDataDir };
}

/**
 * What a developer needs after `npm start`: the development credentials (never the ones they
 * configured themselves), a `trigger` line that works when pasted and, with the dashboard on, a
 * one-click sign-in link (`devSignInPath`, a one-time code: not the token). Printed to the
 * terminal, never logged.
 */
export function developmentBanner(
  config: ServeConfig,
  credentials: PreparedCredentials,
  url: string,
  /**
   * The dashboard's sign-in: a one-time link's path, or `'admin token'` with `--processes N`,
   * whose one-time codes would live in the memory of the one process that issued them while the
   * link's request reaches any of them (sessions, signed with the admin token, work in all).
   */
  devSignInPath?: string | 'admin token',
): string[] {
  const { fromDataDir } = credentials;
  if (!fromDataDir.secret && !fromDataDir.adminToken) return [];
  const base = new URL(url);
  const lines = ['workos-inbox is in development mode (NODE_ENV is not "production")'];
  if (fromDataDir.secret) {
    lines.push(
      `  webhook secret  ${credentials.secrets[0] ?? ''}`,
      `                  (${fromDataDir.secretCreated ? 'generated now, ' : ''}kept in ${join(config.dataDir, devSecretFile)})`,
    );
  }
  if (fromDataDir.adminToken) {
    lines.push(
      `  admin token     ${credentials.adminToken}`,
      `                  (kept in ${join(config.dataDir, devAdminTokenFile)})`,
    );
  }
  // Spelled out unless it is the default: the line is pasted into another shell, which may not
  // share this one's PORT.
  // `base.host`: where serve listens (loopback for a wildcard --host, an IPv6 one in brackets).
  const isDefaultTarget =
    base.protocol === 'http:' &&
    base.hostname === '127.0.0.1' &&
    base.port === String(defaults.port.value) &&
    config.path === defaults.path.value;
  const to = isDefaultTarget
    ? ''
    : ` --to ${base.protocol}//${base.host}${config.path}${base.protocol === 'https:' ? ' --insecure' : ''}`;
  const dataDir =
    config.dataDir === join(process.cwd(), defaults.dataDir.value)
      ? ''
      : ` --data-dir ${config.dataDir}`;
  const secret = fromDataDir.secret ? '' : ' --secret <your webhook secret>';
  lines.push(
    '  send a signed test event:',
    `    npx workos-inbox trigger dsync.user.created${to}${dataDir}${secret}`,
    '  see what arrived:',
    `    curl -H "Authorization: Bearer ${credentials.adminToken}" ${base.protocol}//${base.host}/inbox/events`,
  );
  if (devSignInPath === 'admin token') {
    lines.push(
      '  open the dashboard and sign in with the admin token above',
      '  (--processes runs no one-time sign-in link: a request may reach any process):',
      `    ${base.protocol}//${base.host}/dashboard/signin`,
    );
  } else if (devSignInPath) {
    lines.push(
      '  open the dashboard (this link signs in once):',
      `    ${base.protocol}//${base.host}${devSignInPath}`,
    );
  }
  return lines;
}
