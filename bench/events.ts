// npm run bench:events — cost of the event layer on every name's sample, in one process:
//   (a) JSON.parse of the body: the baseline every delivery pays anyway
//   (b) checkEnvelope (run by the receiver on every delivery)
//   (c) deserializeEvent (what constructEvent adds after parsing)
//   (d) validateEvent with strictEnums (optional)
// Rounds are interleaved, each case's ops/s is the median of its rounds. Prints ratios to (a);
// a benchmark, not a test: nothing here fails on a slow machine.
import { median } from './fixtures/stats.js';
import { cpus } from 'node:os';
import { checkEnvelope, deserializeEvent, eventNames, validateEvent } from '../src/index.js';
import type { WireEvent } from '../src/index.js';
import { sampleEvent } from '../src/testing/index.js';

const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const roundMs = Number(process.env.BENCH_ROUND_MS ?? 300);

const events: WireEvent[] = eventNames.map((name) => sampleEvent(name, { seed: 1 }));
const bodies = events.map((e) => JSON.stringify(e));
let sink: unknown;

const cases: [string, (i: number) => unknown][] = [
  ['(a) JSON.parse', (i) => JSON.parse(bodies[i % bodies.length]!)],
  ['(b) checkEnvelope', (i) => checkEnvelope(events[i % events.length])],
  ['(c) deserializeEvent', (i) => deserializeEvent(events[i % events.length]!)],
  [
    '(d) validateEvent strictEnums',
    (i) => validateEvent(events[i % events.length], { strictEnums: true }),
  ],
];

function opsPerSecond(fn: (i: number) => unknown): number {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < roundMs) {
    for (let k = 0; k < 1000; k++) sink = fn(n++);
    now = performance.now();
  }
  return n / ((now - start) / 1000);
}

const results = new Map<string, number[]>(cases.map(([name]) => [name, []]));
for (const [, fn] of cases) opsPerSecond(fn); // warm up
for (let r = 0; r < rounds; r++) {
  for (const [name, fn] of cases) results.get(name)!.push(opsPerSecond(fn));
}
const base = median(results.get('(a) JSON.parse')!);
const meanBytes = Math.round(bodies.reduce((s, b) => s + b.length, 0) / bodies.length);
console.log(`${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`);
console.log(`${events.length} event names round robin, mean body ${meanBytes} bytes`);
for (const [name] of cases) {
  const ops = median(results.get(name)!);
  const ratio = (ops / base).toFixed(2);
  console.log(
    `${name.padEnd(32)} ${Math.round(ops).toLocaleString('en-US').padStart(12)} ops/s  ${ratio}× (a)`,
  );
}
if (sink === Symbol.for('never')) console.log(sink);
