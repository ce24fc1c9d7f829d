// `--help` shows each default as the settings' defaults are shown (`default: 30000 (30 s)`).
// Commander quoted the string ones: `(default: "180000")`, `(default: "dead")`, `(default: [])`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProgram } from '../../src/cli/program.js';
import { ensureBuilt, runCli } from './cli-harness.js';

let cwd: string;
beforeAll(() => {
  ensureBuilt();
  cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-help-defaults-'));
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** Every command with an option that has a default, as its path of names (`events redrive`). */
function commandsWithDefaults(command: Command, path: string[] = []): string[][] {
  const here = command.options.some((o) => o.defaultValue !== undefined) ? [path] : [];
  return [
    ...here,
    ...command.commands.flatMap((sub) => commandsWithDefaults(sub, [...path, sub.name()])),
  ];
}

const help = async (command: string[]): Promise<string> => {
  const result = await runCli([...command, '--help'], { cwd });
  expect(result.code, command.join(' ')).toBe(0);
  // commander wraps the help to the terminal's width: compare with the line breaks taken out.
  return result.stdout.replace(/\s+/g, ' ');
};

describe('--help defaults', () => {
  it('are never quoted, nor an empty list', async () => {
    const commands = commandsWithDefaults(createProgram());
    expect(commands.length).toBeGreaterThan(5);
    for (const command of commands) {
      const text = await help(command);
      expect(text, command.join(' ')).not.toMatch(/\(default: ["[]/);
    }
  });

  it.each([
    [
      ['verify'],
      '--tolerance-ms <ms> maximum signature age in milliseconds (default: 180000 (3 min))',
    ],
    [['listen'], '(default: 2000 (2 s))'],
    [['events', 'redrive'], '(default: dead)'],
    [['events', 'prune'], '--batch-size <n> events per statement (default: 100)'],
    [['trigger'], 'repeatable (default: none)'],
  ])('%j shows %s', async (command, shown) => {
    expect(await help(command)).toContain(shown);
  });
});
