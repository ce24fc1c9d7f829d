// bench:forward: deliveries per second to a local endpoint that answers at once, against the same
// endpoint fed by a bare loop with the same HTTP client and concurrency (the ceiling); and p99
// ingest latency with forwarding on and off. SQLite, one process. Prints ratios, not verdicts.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createForwarder } from '../src/forward/create-forwarder.js';
import { deliveryStats } from '../src/forward/delivery-queries.js';
import { parseDestinations } from '../src/forward/parse-destinations.js';
import { createAgent, postDelivery } from '../src/forward/post-delivery.js';
import { createInbox } from '../src/inbox/create-inbox.js';
import { openStore } from '../src/store/open-store.js';
import { benchBody, benchNewEvent, benchSecret } from './fixtures/bench-events.js';

const root = new URL('..', import.meta.url).pathname;
const deliveries = Number(process.env.BENCH_FORWARD_EVENTS ?? 5000);
const concurrency = 8;
const dir = mkdtempSync(join(tmpdir(), 'wi-bench-forward-'));

function firstJsonLine(
  args: string[],
): Promise<{ value: Record<string, number>; kill: () => void }> {
  const proc = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.trim().startsWith('{'));
      if (line)
        resolve({ value: JSON.parse(line) as Record<string, number>, kill: () => proc.kill() });
    });
    proc.on('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}`)));
  });
}

const destinationSettings = (url: string) =>
  parseDestinations(`${url};name=bench;concurrency=${concurrency}`, {
    secret: benchSecret,
    timeoutMs: 10_000,
    concurrency,
    ordered: false,
    maxAttempts: 10,
    backoff: { baseMs: 1000, capMs: 60_000 },
  });

async function ceiling(url: URL): Promise<number> {
  const agent = createAgent(url, concurrency);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < deliveries) {
        const body = Buffer.from(benchBody(`event_bare_${next++}`));
        const r = await postDelivery(agent, {
          url,
          body,
          headers: { 'content-type': 'application/json' },
          timeoutMs: 10_000,
        });
        if (r.statusCode !== 204) throw new Error(`bare loop: ${r.error ?? r.statusCode}`);
      }
    }),
  );
  agent.destroy();
  return deliveries / ((performance.now() - started) / 1000);
}

async function forwarded(url: URL, run: number): Promise<number> {
  const store = await openStore({ database: join(dir, `forward-${run}.db`) });
  await store.migrate();
  const forwarder = createForwarder({
    store,
    destinations: destinationSettings(url.href),
    idlePollMs: 5,
  });
  await forwarder.register();
  for (let i = 0; i < deliveries; i += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, deliveries - i) }, (_, k) => {
        const id = `event_fwd_${run}_${i + k}`;
        return store.append(benchNewEvent(id));
      }),
    );
  }
  const started = performance.now();
  await forwarder.start();
  for (;;) {
    const [stats] = await store.read((db) => deliveryStats(db, new Date(), ['bench']));
    const left = stats ? Object.values(stats.byStatus).reduce((a, b) => a + b, 0) : 0;
    if (left === 0) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const rate = deliveries / ((performance.now() - started) / 1000);
  await forwarder.close();
  await store.close();
  return rate;
}

async function ingestP99(url: URL, forwarding: boolean, run: number): Promise<number> {
  const inbox = await createInbox({
    database: join(dir, `ingest-${forwarding ? 'on' : 'off'}-${run}.db`),
    secret: benchSecret,
  });
  const forwarder = forwarding
    ? createForwarder({ store: inbox.store, destinations: destinationSettings(url.href) })
    : undefined;
  await forwarder?.start();
  await inbox.start();
  const server = createServer(inbox.node());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/workos`;
  const load = await firstJsonLine([
    '--import',
    'tsx',
    join(root, 'bench/fixtures/load.ts'),
    target,
    '16',
    '0',
    '3000',
    `event_ingest_${forwarding}_${run}`,
  ]);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await forwarder?.close();
  await inbox.close();
  if (load.value.non2xx || load.value.errors)
    throw new Error(`ingest load had failures: ${JSON.stringify(load.value)}`);
  return load.value.p99 ?? NaN;
}

const endpoint = await firstJsonLine([
  '--import',
  'tsx',
  join(root, 'bench/fixtures/fast-endpoint.ts'),
]);
const url = new URL(`http://127.0.0.1:${endpoint.value.port}/hook`);
try {
  const run = Number(process.env.BENCH_RUN ?? 0);
  const bare = await ceiling(url);
  const fwd = await forwarded(url, run);
  console.log(`deliveries: ${deliveries}, concurrency ${concurrency}, SQLite`);
  console.log(`  bare loop (ceiling)   ${bare.toFixed(0)} req/s`);
  console.log(
    `  forwarder             ${fwd.toFixed(0)} deliveries/s  = ${((fwd / bare) * 100).toFixed(0)}% of the ceiling (target >= 50%)`,
  );
  const off = await ingestP99(url, false, run);
  const on = await ingestP99(url, true, run);
  console.log(`ingest p99 (3000 requests, 16 connections, mirror worker on)`);
  console.log(`  forwarding off        ${off} ms`);
  console.log(
    `  forwarding on         ${on} ms  (difference ${(on - off).toFixed(1)} ms; target <= 2 ms)`,
  );
  console.log(JSON.stringify({ bare, forwarded: fwd, ratio: fwd / bare, p99Off: off, p99On: on }));
} finally {
  endpoint.kill();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
