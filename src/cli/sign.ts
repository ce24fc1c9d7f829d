import type { Command } from 'commander';
import { signatureHeader } from '../signature/sign.js';
import { CliError, exitCodes } from './exit-codes.js';
import { readInputBytes } from './read-input.js';
import { resolveToolSecrets } from './secret-option.js';

interface SignFlags {
  secret?: string;
  dataDir?: string;
  timestamp?: string;
  valueOnly?: boolean;
}

/** `workos-inbox sign <body-file>`: print the WorkOS-Signature header for a body. */
export function registerSign(program: Command): void {
  program
    .command('sign')
    .description('print the WorkOS-Signature header WorkOS would send with a body')
    .argument('<body-file>', 'the exact body bytes to sign ("-" reads standard input)')
    .option(
      '--secret <secret>',
      'webhook secret (env: WORKOS_WEBHOOK_SECRET; default: the development secret)',
    )
    .option(
      '--data-dir <path>',
      'where `serve` keeps the development secret (env: WORKOS_INBOX_DATA_DIR; default: .workos-inbox)',
    )
    .option('--timestamp <ms>', 'signature time in milliseconds since the epoch (default: now)')
    .option('--value-only', 'print only the header value, without "WorkOS-Signature: "')
    .addHelpText(
      'after',
      '\nExample:\n  curl -X POST http://127.0.0.1:3000/webhooks/workos -H "content-type: application/json" \\\n    -H "$(workos-inbox sign event.json)" --data-binary @event.json',
    )
    .action((file: string, flags: SignFlags) => {
      const body = readInputBytes(file);
      const secrets = resolveToolSecrets(flags);
      let timestamp = Date.now();
      if (flags.timestamp !== undefined) {
        if (!/^\d+$/.test(flags.timestamp)) {
          throw new CliError('--timestamp must be milliseconds since the epoch', exitCodes.usage);
        }
        timestamp = Number(flags.timestamp);
      }
      const value = signatureHeader(body, secrets, timestamp);
      process.stdout.write(flags.valueOnly ? `${value}\n` : `WorkOS-Signature: ${value}\n`);
    });
}
