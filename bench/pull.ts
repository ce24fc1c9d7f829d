// npm run bench:pull — catch up 100k events from the stand-in Events API (loopback HTTP, pages of
// 100, the same server as the tests, in a process of its own) into a fresh SQLite inbox with the
// puller, against a
// ceiling run in the same process: a bare loop that fetches and JSON-parses the same pages with
// the same client and stores nothing. The ratio is what storing (one transaction per page with
// its cursor) costs. A benchmark, not a test: it prints numbers; nothing fails on a slow machine.
// Flags: --events N (default 100000).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Puller } from '../src/pull/puller.js';
import { openStore } from '../src/store/open-store.js';
import { WorkosApiClient } from '../src/workos-api/workos-api-client.js';

const args = process.argv.slice(2);
const i = args.indexOf('--events');
const eventCount = Number(i >= 0 ? args[i + 1] : 100_000);

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
    const page = await client.listEvents({
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

const rate = (r: { seconds: number; events: number; pages: number }) =>
  `${Math.round(r.events / r.seconds).toLocaleString('en')} events/s, ${Math.round(r.pages / r.seconds)} pages/s (${r.seconds.toFixed(2)} s)`;

await ceiling(); // warm-up: JIT, sockets
const bare = await ceiling();
const ours = await pull();
console.log(`events: ${events.length.toLocaleString('en')} in pages of 100`);
console.log(`ceiling (fetch + parse only): ${rate(bare)}`);
console.log(`puller into SQLite:           ${rate(ours)}`);
console.log(`  of which storing pages: ${(storingMs / 1000).toFixed(2)} s`);
console.log(`append thread start (before the timed run): ${(threadStartMs / 1000).toFixed(2)} s`);
console.log(
  `ratio: ${((bare.seconds / ours.seconds) * 100).toFixed(1)}% of the ceiling (target >= 70%)`,
);
server.kill('SIGTERM');
