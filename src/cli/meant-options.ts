import type { Command } from 'commander';

/**
 * Commander's "unknown option" error, with the flag a user most likely meant for some that the
 * command does not have, where spelling alone suggests another (`work --port`: Commander's
 * closest spelling is --host, but work binds only --metrics-port). Other unknown options keep
 * Commander's own suggestion.
 */
export function suggestMeantOptions(
  command: Command,
  meant: Readonly<Record<string, string>>,
): void {
  // Commander's own method, not in its typings: called with the flag as typed (`--port=9464` too).
  const commanderUnknownOption = (
    command as unknown as { unknownOption(flag: string): void }
  ).unknownOption.bind(command);
  Object.assign(command, {
    unknownOption(flag: string): void {
      const instead = meant[flag.split('=')[0] ?? flag];
      if (instead === undefined) {
        commanderUnknownOption(flag);
        return;
      }
      command.error(`error: unknown option '${flag}'\n(Did you mean ${instead}?)`, {
        code: 'commander.unknownOption',
      });
    },
  });
}
