import { defaults } from '../defaults.js';
import { resolve } from 'node:path';
import { devSecretFile, readDevCredential } from '../server/dev-credentials.js';
import { CliError, exitCodes } from './exit-codes.js';
import { splitSecretList } from '../signature/options.js';

/**
 * The webhook secret for `trigger`, `sign`, `verify` and `listen`: `--secret`, else
 * WORKOS_WEBHOOK_SECRET, else the development secret `serve` keeps in the data folder
 * (`--data-dir`, else WORKOS_INBOX_DATA_DIR). Comma-separated lists allowed (at least one).
 */
export function resolveToolSecrets(options: ToolSecretOptions): [string, ...string[]] {
  return resolveToolSecretsAndSource(options).secrets;
}

interface ToolSecretOptions {
  secret?: string | undefined;
  dataDir?: string | undefined;
  env?: NodeJS.ProcessEnv;
}

/**
 * {@link resolveToolSecrets}, and where they came from, for a message about the secret:
 * `--secret`, `WORKOS_WEBHOOK_SECRET`, or `serve's development secret in <data folder>`.
 */
export function resolveToolSecretsAndSource(options: ToolSecretOptions): {
  secrets: [string, ...string[]];
  source: string;
} {
  const env = options.env ?? process.env;
  const dataDir = resolve(options.dataDir ?? env[defaults.dataDir.env] ?? defaults.dataDir.value);
  const fromEnv = env[defaults.secret.env] || undefined;
  const given = options.secret ?? fromEnv;
  const raw = given ?? readDevCredential(dataDir, devSecretFile);
  const source =
    options.secret !== undefined
      ? '--secret'
      : fromEnv !== undefined
        ? defaults.secret.env
        : `serve's development secret in ${dataDir}`;
  const secrets = splitSecretList(raw);
  const [first, ...more] = secrets;
  if (first === undefined && options.secret !== undefined) {
    // Given, but empty (`--secret "$UNSET"`): the development secret is not looked for then.
    throw new CliError(
      '--secret is empty: give the webhook secret, or leave the flag out to use WORKOS_WEBHOOK_SECRET or the development secret',
      exitCodes.usage,
      'no_secret',
    );
  }
  if (first === undefined) {
    throw new CliError(
      `no webhook secret: pass --secret, set WORKOS_WEBHOOK_SECRET, or start \`workos-inbox serve\` once in this folder to create a development secret in ${dataDir}`,
      exitCodes.usage,
      'no_secret',
    );
  }
  return { secrets: [first, ...more], source };
}
