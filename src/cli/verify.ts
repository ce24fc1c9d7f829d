import { defaults } from '../defaults.js';
import type { Command } from 'commander';
import { SignatureVerificationException } from '../signature/errors.js';
import { verifySignature } from '../signature/verify.js';
import { CliError, exitCodes } from './exit-codes.js';
import { readInputBytes } from './read-input.js';
import { resolveToolSecrets } from './secret-option.js';

interface VerifyFlags {
  secret?: string;
  dataDir?: string;
  toleranceMs?: string;
}

/** `workos-inbox verify <body-file> <header>`: valid (exit 0) or why not (exit 1). */
export function registerVerify(program: Command): void {
  program
    .command('verify')
    .description('check a body against a WorkOS-Signature header: exit 0 when valid, 1 when not')
    .argument('<body-file>', 'the body exactly as received ("-" reads standard input)')
    .argument(
      '<header>',
      'the WorkOS-Signature header value (a "WorkOS-Signature:" prefix is fine)',
    )
    .option(
      '--secret <secrets>',
      'webhook secret(s), comma-separated (env: WORKOS_WEBHOOK_SECRET; default: the development secret)',
    )
    .option(
      '--data-dir <path>',
      'where `serve` keeps the development secret (env: WORKOS_INBOX_DATA_DIR; default: .workos-inbox)',
    )
    .option(
      '--tolerance-ms <ms>',
      'maximum signature age in milliseconds',
      String(defaults.toleranceMs.value),
    )
    .action((file: string, header: string, flags: VerifyFlags) => {
      const body = readInputBytes(file);
      const secrets = resolveToolSecrets(flags);
      const toleranceMs = Number(flags.toleranceMs);
      if (!Number.isInteger(toleranceMs) || toleranceMs < 0) {
        throw new CliError(
          '--tolerance-ms must be a whole number of milliseconds',
          exitCodes.usage,
        );
      }
      const sigHeader = header.replace(/^\s*workos-signature\s*:\s*/i, '');
      try {
        const result = verifySignature({ payload: body, sigHeader, secret: secrets, toleranceMs });
        const ageS = ((Date.now() - result.timestampMs) / 1000).toFixed(1);
        const which = secrets.length > 1 ? ` with secret #${result.secretIndex + 1}` : '';
        process.stdout.write(`valid: signed ${ageS} s ago${which}\n`);
      } catch (error) {
        if (error instanceof SignatureVerificationException) {
          process.stdout.write(`invalid (${error.code}): ${error.message}\n`);
          process.exitCode = exitCodes.failed;
          return;
        }
        throw error;
      }
    });
}
