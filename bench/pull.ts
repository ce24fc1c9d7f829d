// npm run bench:pull — catch up 100k events from the stand-in Events API (loopback HTTP, pages of
// 100, the same server as the tests, in a process of its own) into a fresh SQLite inbox with the
// puller, against a ceiling run in the same process: a bare loop that fetches and JSON-parses the
// same pages with the same client and the same requests (the puller's `events` filter included)
// and stores nothing. The ratio is what storing (one transaction per page with its cursor) costs.
// A benchmark, not a test: it prints numbers; nothing fails on a slow machine.
// Rounds alternate the two (ceiling, then puller into a fresh file) so a slow spell of the machine
// (the last round's file being written back, another process) falls on both; each round prints its
// ratio and the summary the median and the range.
// Each run also reads the CPU time it took (this process with the append thread, and the stand-in's
// process; Linux /proc) and prints the bound it sets on two cores: a run cannot be shorter than its
// CPU time over the machine's cores, nor than the ceiling's chain of requests, so the ratio cannot
// exceed ceiling / max(ceiling, puller's CPU / cores), however the work is overlapped.
// Flags: --events N (default 100000), --rounds N (default 3), --json (one JSON line at the end).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventNames } from '../src/events/event-names.js';
import { Puller } from '../src/pull/puller.js';
import { openStore } from '../src/store/open-store.js';
import { WorkosApiClient } from '../src/workos-api/workos-api-client.js';
import { benchFlags } from './fixtures/flags.js';
import { processCpuMs } from './fixtures/process-cpu.js';
import { median } from './fixtures/stats.js';

const { values, number } = benchFlags('npm run bench:pull -- [--events N] [--rounds N] [--json]', {
  events: { type: 'string' },
  rounds: { type: 'string' },
  json: { type: 'boolean' },
});
const eventCount = number('events') ?? 100_000;
const rounds = number('rounds') ?? 3;
const json = values.json === true;

const server = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    fileURLToPath(new URL('./fixtures/stand-in-server.ts', import.meta.url)),
    String(eventCount),
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const [line] = (await once(createInterface({ input: server.stdout! }), 'line')) as [string];
const api = JSON.parse(line) as { url: string; apiKey: string; events: number };
const events = { length: api.events };
const client = new WorkosApiClient({ apiKey: api.apiKey, apiUrl: api.url, maxRetries: 0 });
const since = '2020-01-01T00:00:00Z';

async function ceiling(): Promise<{ seconds: number; events: number; pages: number }> {
  const started = performance.now();
  let after: string | undefined;
  let total = 0;
  let pages = 0;
  for (;;) {
    // The same requests as the puller's: its default `events` filter (every name we know) too.
    const page = await client.listEvents({
      events: eventNames,
      order: 'asc',
      limit: 100,
      ...(after ? { after } : { range_start: since }),
    });
    pages++;
    total += page.data.length;
    if (page.data.length < 100) break;
    after = page.data[page.data.length - 1]!.id;
  }
  return { seconds: (performance.now() - started) / 1000, events: total, pages };
}

let storingMs = 0;
let threadStartMs = 0;

async function pull(): Promise<{ seconds: number; events: number; pages: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-pull-'));
  const store = await openStore({ database: join(dir, 'inbox.db') });
  try {
    await store.migrate();
    // migrate() starts the append thread; wait until it answers (an empty page under a cursor of
    // its own), as the ceiling gets a warm-up run. Under tsx the thread compiles its TypeScript
    // first, a one-time second or so that a 10k-event run would otherwise count as storing.
    const warming = performance.now();
    await store.appendPage(
      [],
      { name: 'bench-warm-up', after: null, rangeStart: since },
      new Date(),
    );
    threadStartMs = performance.now() - warming;
    // Time spent storing (the rest of the run is waiting for pages).
    const append = store.appendPage.bind(store);
    store.appendPage = async (...args) => {
      const t = performance.now();
      try {
        return await append(...args);
      } finally {
        storingMs += performance.now() - t;
      }
    };
    const started = performance.now();
    const result = await new Puller({ store, client, since }).catchUp();
    const seconds = (performance.now() - started) / 1000;
    if (result.inserted !== events.length)
      throw new Error(`stored ${result.inserted} of ${events.length}`);
    return { seconds, events: result.pulled, pages: result.pages };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const cores = availableParallelism();
/** `run`, with the CPU seconds it took here (every thread) and in the stand-in's process. */
async function withCpu<T extends object>(
  run: () => Promise<T>,
): Promise<T & { cpu?: { ours: number; api: number } }> {
  const before = [processCpuMs(process.pid), processCpuMs(server.pid!)];
  const result = await run();
  const after = [processCpuMs(process.pid), processCpuMs(server.pid!)];
  if (before.some((v) => v === undefined) || after.some((v) => v === undefined)) return result;
  return {
    ...result,
    cpu: { ours: (after[0]! - before[0]!) / 1000, api: (after[1]! - before[1]!) / 1000 },
  };
}
const cpuLine = (c: { ours: number; api: number } | undefined, events: number) =>
  c
    ? `CPU ${(c.ours + c.api).toFixed(2)} s (this process ${c.ours.toFixed(2)} s, stand-in ${c.api.toFixed(2)} s; ${Math.round(((c.ours + c.api) * 1e6) / events)} µs per event)`
    : 'CPU not measured (no /proc)';

const rate = (r: { seconds: number; events: number; pages: number }) =>
  `${Math.round(r.events / r.seconds).toLocaleString('en')} events/s, ${Math.round(r.pages / r.seconds)} pages/s (${r.seconds.toFixed(2)} s)`;

await ceiling(); // warm-up: JIT, sockets
console.log(`events: ${events.length.toLocaleString('en')} in pages of 100, ${rounds} rounds`);
const ratios: number[] = [];
const bounds: number[] = [];
for (let round = 1; round <= rounds; round++) {
  storingMs = 0;
  const bare = await withCpu(ceiling);
  const ours = await withCpu(pull);
  const ratio = bare.seconds / ours.seconds;
  ratios.push(ratio);
  console.log(`round ${round}`);
  console.log(`  ceiling (fetch + parse only): ${rate(bare)}`);
  console.log(`    ${cpuLine(bare.cpu, bare.events)}`);
  console.log(`  puller into SQLite:           ${rate(ours)}`);
  console.log(`    ${cpuLine(ours.cpu, ours.events)}`);
  console.log(`    of which storing pages: ${(storingMs / 1000).toFixed(2)} s`);
  console.log(`  ratio: ${(ratio * 100).toFixed(1)}% of the ceiling`);
  if (ours.cpu) {
    const floor = Math.max(bare.seconds, (ours.cpu.ours + ours.cpu.api) / cores);
    bounds.push(bare.seconds / floor);
    console.log(
      `  bound: the puller's CPU on ${cores} cores takes at least ${floor.toFixed(2)} s, so at most ${((bare.seconds / floor) * 100).toFixed(1)}% of the ceiling`,
    );
  }
}
console.log(`append thread start (before a timed run): ${(threadStartMs / 1000).toFixed(2)} s`);
const pct = (r: number) => `${(r * 100).toFixed(1)}%`;
console.log(
  `ratio: median ${pct(median(ratios))} of the ceiling over ${rounds} rounds (${pct(Math.min(...ratios))}–${pct(Math.max(...ratios))}) (target >= 70%)`,
);
if (bounds.length > 0) {
  console.log(
    `bound set by the puller's CPU on ${cores} cores: median ${pct(median(bounds))} (${pct(Math.min(...bounds))}–${pct(Math.max(...bounds))})`,
  );
}
if (json) {
  console.log(
    JSON.stringify({ pullRatio: median(ratios), pullRatios: ratios, pullCpuBounds: bounds }),
  );
}
server.kill('SIGTERM');
