import { defaults } from '../defaults.js';
import { resolve } from 'node:path';
import { devSecretFile, readDevCredential } from '../server/dev-credentials.js';
import { CliError, exitCodes } from './exit-codes.js';

/**
 * The webhook secret for `trigger`, `sign` and `verify`: `--secret`, else WORKOS_WEBHOOK_SECRET,
 * else the development secret `serve` keeps in the data folder. Comma-separated lists allowed.
 */
export function resolveToolSecrets(options: {
  secret?: string | undefined;
  dataDir?: string | undefined;
  env?: NodeJS.ProcessEnv;
}): string[] {
  const env = options.env ?? process.env;
  const dataDir = resolve(options.dataDir ?? env[defaults.dataDir.env] ?? defaults.dataDir.value);
  const given = options.secret ?? (env[defaults.secret.env] || undefined);
  const raw = given ?? readDevCredential(dataDir, devSecretFile);
  const secrets = (raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (secrets.length === 0) {
    throw new CliError(
      `no webhook secret: pass --secret, set WORKOS_WEBHOOK_SECRET, or start \`workos-inbox serve\` once in this folder to create a development secret in ${dataDir}`,
      exitCodes.usage,
      'no_secret',
    );
  }
  return secrets;
}
