import { readFileSync } from 'node:fs';
import { CliError, exitCodes } from './exit-codes.js';

/** A file's bytes exactly as stored (`-` reads standard input): signatures cover raw bytes. */
export function readInputBytes(file: string): Buffer {
  try {
    return readFileSync(file === '-' ? 0 : file);
  } catch (error) {
    throw new CliError(
      `cannot read ${file === '-' ? 'standard input' : file}: ${(error as Error).message}`,
      exitCodes.usage,
      'unreadable_input',
    );
  }
}
