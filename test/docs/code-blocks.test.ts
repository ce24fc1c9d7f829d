import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../../src/cli/program.js';
import { docFiles, readDocBlocks, readRegion, repoRoot } from './doc-blocks.js';

const blocks = docFiles().flatMap(readDocBlocks);
const codeLangs = new Set(['ts', 'js', 'mjs', 'tsx', 'typescript', 'javascript']);
const where = (b: { file: string; line: number }) => `${b.file}:${b.line}`;

describe('every TypeScript and JavaScript block in the docs is a tested example', () => {
  const code = blocks.filter((b) => codeLangs.has(b.lang));

  it('finds the blocks (README and docs/*.md)', () => {
    expect(code.length).toBeGreaterThan(15);
    expect(new Set(code.map((b) => b.file))).toContain('README.md');
  });

  it.each(code.map((b) => [where(b), b] as const))(
    '%s is marked with the example it is a copy of',
    (_, block) => {
      expect(
        block.example,
        `${where(block)}: put <!-- example: test/docs/examples/<file>#<region> --> before the block`,
      ).toBeDefined();
    },
  );

  it.each(code.filter((b) => b.example).map((b) => [where(b), b] as const))(
    '%s equals its region of the example, byte for byte',
    (_, block) => {
      const { path, region } = block.example!;
      expect(block.code, `${where(block)} differs from ${path}#${region}`).toBe(
        readRegion(path, region),
      );
    },
  );

  it('every example file is shown in the docs and run by a test in test/docs', () => {
    const folder = join(repoRoot, 'test/docs/examples');
    const examples = readdirSync(folder).filter(
      (f) => /\.(ts|mjs)$/.test(f) && !['wiring.ts', 'inbox-for-adapter.ts'].includes(f),
    );
    const shown = new Set(blocks.flatMap((b) => (b.example ? [b.example.path] : [])));
    const tests = readdirSync(join(repoRoot, 'test/docs'))
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => readFileSync(join(repoRoot, 'test/docs', f), 'utf8'))
      .join('\n');
    for (const file of examples) {
      expect(shown, file).toContain(`test/docs/examples/${file}`);
      // Imported as ./examples/name.js, or run by path as examples/name.ts / .mjs.
      expect(tests, `no test in test/docs runs examples/${file}`).toContain(
        `examples/${file.replace(/\.(ts|mjs)$/, '.')}`,
      );
    }
  });
});

/** `workos-inbox …` command lines in shell blocks and in inline code of the prose. */
function commandLines(): Array<{ at: string; words: string[] }> {
  const lines: Array<{ at: string; words: string[] }> = [];
  const add = (at: string, text: string) => {
    const match = /(?:^|\s)(?:npx )?workos-inbox ([^#`|&;)"]*)/.exec(text);
    if (match) lines.push({ at, words: match[1]!.trim().split(/\s+/).filter(Boolean) });
  };
  for (const block of blocks.filter((b) => ['sh', 'bash', 'shell'].includes(b.lang))) {
    block.code
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .forEach((line, i) => add(`${block.file}:${block.line + 1 + i}`, line));
  }
  for (const file of docFiles()) {
    const text = readFileSync(join(repoRoot, file), 'utf8').replace(/```[\s\S]*?```/g, '');
    // Inline code may wrap over a line break in the markdown source.
    for (const span of text.matchAll(/`((?:npx )?workos-inbox [^`]+)`/g)) {
      add(file, span[1]!.replace(/\s+/g, ' '));
    }
  }
  return lines;
}

function findCommand(program: Command, words: string[]): { command: Command; rest: string[] } {
  let command = program;
  let rest = words;
  for (;;) {
    const next = rest[0];
    const sub = command.commands.find((c) => c.name() === next || c.aliases().includes(next ?? ''));
    if (!sub) return { command, rest };
    command = sub;
    rest = rest.slice(1);
  }
}

describe('every `workos-inbox` command the docs show exists, with its flags', () => {
  const lines = commandLines();

  it('finds the command lines', () => {
    expect(lines.length).toBeGreaterThan(20);
  });

  it.each(lines.map((l) => [`${l.at}: workos-inbox ${l.words.join(' ')}`, l] as const))(
    '%s',
    (_, line) => {
      const { command, rest } = findCommand(createProgram(), line.words);
      expect(command.name(), 'a command name').not.toBe('workos-inbox');
      const known = new Set(['--help', '-h']);
      for (let c: Command | null = command; c; c = c.parent) {
        for (const option of c.options) {
          if (option.long) known.add(option.long);
          if (option.short) known.add(option.short);
        }
      }
      for (const word of rest.filter((w) => /^--?[a-z]/i.test(w))) {
        expect(known, `${line.at}: ${command.name()} has no ${word}`).toContain(word.split('=')[0]);
      }
    },
  );
});

describe("the README's configuration table names only flags serve or work take", () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const table = readme.slice(
    readme.indexOf('## Configuration'),
    readme.indexOf('\n## ', readme.indexOf('## Configuration') + 3),
  );
  const flags = [...table.matchAll(/^\| ([^|]*)\|/gm)].flatMap(
    (row) => row[1]!.match(/--[a-z][a-z-]*/g) ?? [],
  );

  it.each(flags)('%s', (flag) => {
    const program = createProgram();
    const options = ['serve', 'work'].flatMap((name) =>
      program.commands.find((c) => c.name() === name)!.options.map((o) => o.long),
    );
    expect(options).toContain(flag);
  });
});
