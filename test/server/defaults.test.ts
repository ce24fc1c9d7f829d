// Defaults are stated once, in src/defaults.ts. These tests fail when one is written a second time
// (a TSDoc `@defaultValue 5000`, an `options.x ?? 5000`, a commander default typed as a literal)
// or when what `serve` / `work` resolve with nothing given is not the table's value.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../../src/cli/program.js';
import { defaults } from '../../src/defaults.js';
import type { DefaultEntry } from '../../src/defaults.js';
import { configOptions } from '../../src/server/config-options.js';
import { resolveServeConfig } from '../../src/server/config.js';
import type { ServeConfig } from '../../src/server/config.js';
import { repoRoot } from '../docs/doc-blocks.js';

const table = defaults as Record<string, DefaultEntry>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const src = join(repoRoot, 'src');
// The sample-data generators of workos-inbox/testing (seeds, sizes of a generated history) are
// test fixtures' knobs, not settings of the inbox; they are documented next to their options.
const checked = sourceFiles(src)
  .map((path) => relative(repoRoot, path))
  .filter((file) => file !== 'src/defaults.ts' && !file.startsWith('src/testing/'));

/** A default written as a literal: in TSDoc, in a comment, or as an option's fallback. */
const restated = [
  /@defaultValue\s+(?:\d|'[^']*'|"[^"]*")/,
  /(?:\/\/|\*).*\bdefault:?\s+\d/i,
  // (An empty string is "nothing given", not a default: `options.csrf ?? ''`.)
  /\boptions\.\w+\s*\?\?\s*(?:\d|'[^']+'|"[^"]+")/,
];

function walk(command: Command): Command[] {
  return [command, ...command.commands.flatMap((c) => walk(c as Command))];
}
const commandPath = (command: Command): string => {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
};
const longFlag = (flag: string) => flag.split(' ')[0]!;

describe('defaults are stated once (src/defaults.ts)', () => {
  it('no source file outside src/defaults.ts writes a default as a literal', () => {
    expect(checked.length).toBeGreaterThan(100);
    const found: string[] = [];
    for (const file of checked) {
      readFileSync(join(repoRoot, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (restated.some((pattern) => pattern.test(line))) {
            found.push(`${file}:${i + 1}: ${line.trim()}`);
          }
        });
    }
    expect(found, 'state the default in src/defaults.ts and read defaults.<key>.value').toEqual([]);
  });

  it('every defaults.<key> the sources name exists', () => {
    for (const file of checked) {
      const text = readFileSync(join(repoRoot, file), 'utf8');
      // Files with a local `defaults` (e.g. a destination's defaults) do not import the table.
      if (!/import \{ defaults \} from '[./]+defaults\.js'/.test(text)) continue;
      for (const [, key] of text.matchAll(/\bdefaults\.(?!js')(\w+)/g)) {
        expect(Object.keys(table), `${file}: defaults.${key}`).toContain(key);
      }
    }
  });

  it('serve and work register every flag with its variable and default in the help, and no commander default', () => {
    const program = createProgram();
    for (const name of ['serve', 'work']) {
      const command = program.commands.find((c) => c.name() === name)!;
      for (const option of configOptions) {
        if (name === 'work' ? option.serveOnly : option.workOnly) continue;
        const registered = command.options.find((o) => o.long === longFlag(option.flag));
        expect(registered, `${name} ${option.flag}`).toBeDefined();
        // The environment must be able to win over the default, so the default is applied by
        // resolveServeConfig from the table, never by commander.
        if (!option.flag.startsWith('--no-')) expect(registered!.defaultValue).toBeUndefined();
        expect(registered!.description).toContain(
          `(env: ${option.env}; default: ${option.defaultText})`,
        );
      }
    }
  });

  it('other commands that share a setting take its default from the table, and the table says where', () => {
    const program = createProgram();
    const options = walk(program).flatMap((command) =>
      command.options.map((option: Option) => ({
        at: `${commandPath(command)} ${option.long}`,
        option,
      })),
    );
    const listed = new Map<string, DefaultEntry>();
    for (const entry of Object.values(table)) {
      for (const where of entry.options ?? []) {
        if (/^[a-z]+ --/.test(where)) listed.set(where, entry);
      }
    }
    expect(listed.size).toBeGreaterThan(5);
    for (const [at, entry] of listed) {
      const found = options.find((o) => o.at === at);
      expect(found, `${at} (listed in src/defaults.ts) exists`).toBeDefined();
      const shown =
        found!.option.defaultValue ?? /default: ([^;)]+)/.exec(found!.option.description)?.[1];
      // A number default is shown unquoted in --help (commander quotes strings).
      expect(String(shown), at).toBe(String(entry.value));
    }
    // A command-line default equal to a table value on a flag of the same name is that setting:
    // it must be listed (and so read from the table), not typed again.
    for (const { at, option } of options) {
      if (option.defaultValue === undefined || /^(serve|work) /.test(at)) continue;
      const same = Object.values(table).find(
        (entry) =>
          entry.flag !== undefined &&
          longFlag(entry.flag) === option.long &&
          String(entry.value) === String(option.defaultValue),
      );
      if (same) expect(same.options ?? [], `${at}: list it in src/defaults.ts`).toContain(at);
    }
  });

  it('serve and work, given nothing, resolve to the table’s values', () => {
    const config = resolveServeConfig({ flags: {}, env: {}, cwd: '/srv/app' });
    const resolved: Partial<Record<keyof typeof defaults, (c: ServeConfig) => unknown>> = {
      port: (c) => c.port,
      host: (c) => c.host,
      dataDir: (c) => c.dataDir.replace('/srv/app/', ''),
      path: (c) => c.path,
      toleranceMs: (c) => c.toleranceMs,
      worker: (c) => c.worker,
      workerNice: (c) => c.workerNice,
      processes: (c) => c.processes,
      trustProxy: (c) => c.trustProxy,
      maxBodyBytes: (c) => c.maxBodyBytes,
      maxHeaderBytes: (c) => c.maxHeaderBytes,
      requestTimeoutMs: (c) => c.requestTimeoutMs,
      shutdownTimeoutMs: (c) => c.shutdownTimeoutMs,
      maxAttempts: (c) => c.workerTuning.maxAttempts,
      backoffBaseMs: (c) => c.workerTuning.backoffBaseMs,
      backoffCapMs: (c) => c.workerTuning.backoffCapMs,
      workerConcurrency: (c) => c.workerTuning.concurrency,
      workerShare: (c) => c.workerTuning.shareUnderLoad,
      workerMinRate: (c) => c.workerTuning.minRateUnderLoad,
      claimCoalesceMs: (c) => c.workerTuning.claimCoalesceMs,
      leaseMs: (c) => c.workerTuning.leaseMs,
      poolSize: (c) => c.poolSize,
      logLevel: (c) => c.logLevel,
      maxPendingAppends: (c) => c.maxPendingAppends,
      forwardOrdered: (c) => c.forward.ordered,
      forwardTimeoutMs: (c) => c.forward.timeoutMs,
      forwardConcurrency: (c) => c.forward.concurrency,
      forwardMaxAttempts: (c) => c.forward.maxAttempts,
      eventsApiHoldBackMs: (c) => c.eventsApiHoldBackMs,
    };
    for (const [key, read] of Object.entries(resolved)) {
      expect(read(config), key).toBe(table[key]!.value);
    }
    // With --pull, its own settings.
    const pulling = resolveServeConfig({
      flags: { pull: 'true', apiKey: 'sk_test' },
      env: {},
      cwd: '/srv/app',
    });
    expect(pulling.pull).toMatchObject({
      intervalMs: defaults.pullIntervalMs.value,
      since: defaults.pullSince.value,
      apiUrl: defaults.apiUrl.value,
      apiTimeoutMs: defaults.apiTimeoutMs.value,
    });
    // Every numeric flag is covered above or by --pull.
    const numeric = configOptions.filter(
      (o) => typeof table[o.key]!.value === 'number' && !(o.key in resolved),
    );
    expect(numeric.map((o) => o.key)).toEqual(['pullIntervalMs', 'apiTimeoutMs']);
  });

  it('every flag has its own environment variable', () => {
    const flags = configOptions.map((o) => longFlag(o.flag));
    expect(new Set(flags).size).toBe(flags.length);
    expect(new Set(configOptions.map((o) => o.env)).size).toBe(configOptions.length);
  });
});
