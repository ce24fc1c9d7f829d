import type { Command } from 'commander';
import { configOptions } from '../server/config-options.js';
import type { RawConfig } from '../server/config-options.js';

/** Register the settings table's flags on a command (help shows each one's env variable and default). */
export function addConfigFlags(command: Command, mode: 'serve' | 'work'): Command {
  for (const option of configOptions) {
    if (mode === 'work' && option.serveOnly) continue;
    if (mode === 'serve' && option.workOnly) continue;
    const help = `${option.description} (env: ${option.env}; default: ${option.defaultText})`;
    if (option.repeatable) {
      command.option(option.flag, help, (value: string, previous: string | undefined) =>
        previous === undefined ? value : `${previous},${value}`,
      );
    } else {
      command.option(option.flag, help);
    }
  }
  return command;
}

/** Only the values typed on the command line: environment variables and defaults are applied by `resolveServeConfig`. */
export function typedFlags(command: Command): RawConfig {
  const raw: RawConfig = {};
  const values = command.opts<Record<string, unknown>>();
  for (const option of configOptions) {
    if (command.getOptionValueSource(option.key) !== 'cli') continue;
    const value = values[option.key];
    if (value !== undefined) raw[option.key] = String(value);
  }
  return raw;
}
