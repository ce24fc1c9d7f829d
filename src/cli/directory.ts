import type { Command } from 'commander';

/** `directory users|groups|user <id>`: read the mirror (wired once the mirror's query API lands). */
export function registerDirectory(program: Command): void {
  program.command('directory').description('read the directory mirror');
}
