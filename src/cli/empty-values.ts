import type { Command } from 'commander';
import { CliError, exitCodes } from './exit-codes.js';

/**
 * Commands that check their flags themselves (resolveServeConfig: `--forward-to ""` has its own
 * message, and every value its own rule), and flags checked where they are read, with a message
 * of their own (`--database ""`: resolveDatabase).
 */
const checkedElsewhere = { commands: new Set(['serve', 'work']), flags: new Set(['database']) };

/**
 * What a value is, said after the message: the help's description without its
 * `(env: …; default: …)`. It was put in parentheses with that part, nesting them (`give a value
 * (signing secret (env: WORKOS_WEBHOOK_SECRET, …; default: …))`).
 */
function whatItIs(name: string, description: string): string {
  const what = description.replace(/\s*\((?:env|default):.*\)$/s, '').trim();
  return what === '' ? '' : `. ${name}: ${what}`;
}

/**
 * A value typed empty (`--status ""`, `events show ""`, usually a variable that was not set) is a
 * usage error (exit 2). Read as given, it did something else than asked, quietly: `--status ""`
 * was no filter (`events redrive` of every status), `events show ""` looked for an event with no
 * id, `deliveries list --destination ""` named a destination "".
 */
export function refuseEmptyValues(command: Command): void {
  if (checkedElsewhere.commands.has(command.name())) return;
  for (const option of command.options) {
    const name = option.attributeName();
    if (checkedElsewhere.flags.has(name) || command.getOptionValueSource(name) !== 'cli') continue;
    const value: unknown = command.getOptionValue(name);
    if (typeof value === 'string' && value.trim() === '') {
      throw new CliError(
        `${option.long ?? option.flags} is empty: give a value, or leave the flag out${whatItIs(option.long ?? option.flags, option.description)}`,
        exitCodes.usage,
      );
    }
  }
  command.registeredArguments.forEach((argument, i) => {
    const value: unknown = command.processedArgs[i];
    if (typeof value === 'string' && value.trim() === '') {
      throw new CliError(
        `<${argument.name()}> is empty: give a value${whatItIs(`<${argument.name()}>`, argument.description)}`,
        exitCodes.usage,
      );
    }
  });
}
