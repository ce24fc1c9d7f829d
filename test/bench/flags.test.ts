// The benchmarks read their flags strictly (bench/fixtures/flags.ts): a typo must stop the run
// with the usage, not run the defaults under a command line that says otherwise.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

function run(script: string, args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: root,
    encoding: 'utf8',
  });
}

describe('benchmark flags', () => {
  it.each([
    ['bench/pull.ts', ['--round', '5'], "Unknown option '--round'", 'npm run bench:pull'],
    [
      'bench/drain.ts',
      ['--only', 'sqlit'],
      '--only takes sqlite or postgres, got "sqlit"',
      'npm run bench:drain',
    ],
    [
      'bench/reconcile.ts',
      ['--users', '10k'],
      '--users takes a number, got "10k"',
      'npm run bench:reconcile',
    ],
    [
      'bench/forward.ts',
      ['--rounds'],
      "'--rounds <value>' argument missing",
      'npm run bench:forward',
    ],
    [
      'bench/ingest.ts',
      ['--generator', 'ab'],
      '--generator takes wrk or autocannon',
      'npm run bench:ingest',
    ],
    ['bench/mirror.ts', ['extra'], 'positional', 'npm run bench:mirror'],
    ['bench/soak.ts', ['--events', ''], '--events takes a number', 'npm run soak'],
    ['bench/all.ts', ['--fast'], "Unknown option '--fast'", 'npm run bench '],
  ])('%s %j stops with exit 2 and its usage', (script, args, message, usage) => {
    const result = run(script, args);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(`usage: ${usage}`);
    expect(result.status).toBe(2);
  });

  const dir = mkdtempSync(join(tmpdir(), 'bench-flags-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads numbers, choices, booleans and defaults as declared', () => {
    const script = join(dir, 'read.ts');
    writeFileSync(
      script,
      `import { benchFlags } from ${JSON.stringify(join(root, 'bench/fixtures/flags.ts'))};
const { values, number, choice } = benchFlags('usage', {
  events: { type: 'string' },
  rounds: { type: 'string' },
  only: { type: 'string' },
  json: { type: 'boolean' },
  processes: { type: 'string', default: '1,2' },
});
console.log(JSON.stringify({
  events: number('events') ?? 100,
  rounds: number('rounds') ?? 3,
  only: choice('only', ['sqlite', 'postgres']) ?? null,
  json: values.json === true,
  processes: values.processes,
}));
`,
    );
    const given = run(script, ['--events', '2500', '--only=postgres', '--json']);
    expect(given.status).toBe(0);
    expect(JSON.parse(given.stdout)).toEqual({
      events: 2500,
      rounds: 3,
      only: 'postgres',
      json: true,
      processes: '1,2',
    });
  });
});
