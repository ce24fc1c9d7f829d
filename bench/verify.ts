// npm run bench:verify — ops/s of webhook verification in one process, on the same bodies:
//   (a0) bare node:crypto createHmac + timingSafeEqual (no parse), for reference
//   (a) the same, then JSON.parse: the floor (b) is compared with, as (b) parses too
//   (b) workos-inbox createVerifier().verifyAndParse (sync: verify + parse + envelope check)
//   (c) workos-inbox compat workos.webhooks.constructEvent (awaited)
//   (d) @workos-inc/node 11.0.0 workos.webhooks.constructEvent (awaited)
// Rounds are interleaved, each case's ops/s is the median of its rounds. Prints ratios; a
// benchmark, not a test: nothing here fails on a slow machine.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { WorkOS as SdkWorkOS } from '@workos-inc/node';
import { createVerifier, WorkOS } from '../src/index.js';

const secret = 'whsec_bench_0123456789abcdef';
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const roundMs = Number(process.env.BENCH_ROUND_MS ?? 400);

/** A realistic dsync.user.created delivery, padded with SCIM groups to about `targetBytes`. */
function deliveryBody(targetBytes: number): Buffer {
  const event = {
    id: 'event_01HZX4Q8J4TB6T9ZJQK3M1R7VW',
    event: 'dsync.user.created',
    data: {
      object: 'directory_user',
      id: 'directory_user_01HZX4Q8J4TB6T9ZJQK3M1R7VX',
      directory_id: 'directory_01HZX4Q8J4TB6T9ZJQK3M1R7VY',
      organization_id: 'org_01HZX4Q8J4TB6T9ZJQK3M1R7VZ',
      idp_id: '00u1e8mutl6wlH3lL4x7',
      first_name: 'Blair',
      last_name: 'Lunchford',
      email: 'blair@foo-corp.com',
      state: 'active',
      role: { slug: 'member' },
      custom_attributes: { department: 'Engineering', job_title: 'Developer Success Engineer' },
      raw_attributes: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        name: { givenName: 'Blair', familyName: 'Lunchford' },
        active: true,
        emails: [{ type: 'work', value: 'blair@foo-corp.com', primary: true }],
        groups: [] as { value: string; display: string }[],
      },
      created_at: '2024-05-01T12:00:00.000Z',
      updated_at: '2024-05-01T12:00:00.000Z',
    },
    created_at: '2024-05-01T12:00:00.000Z',
  };
  let i = 0;
  while (JSON.stringify(event).length < targetBytes) {
    event.data.raw_attributes.groups.push({
      value: `00g${String(i).padStart(17, '0')}`,
      display: `Engineering Team ${i++}`,
    });
  }
  return Buffer.from(JSON.stringify(event));
}

interface Case {
  name: string;
  run: (body: Buffer, header: string) => unknown;
  async: boolean;
}

const verifier = createVerifier({ secret });
const compat = new WorkOS().webhooks;
const sdk = new SdkWorkOS({ clientId: 'client_bench' }).webhooks;

const cases: Case[] = [
  {
    name: '(a0) bare createHmac + timingSafeEqual, no parse',
    async: false,
    run: (body, header) => {
      const t = header.slice(2, header.indexOf(','));
      const expected = Buffer.from(header.slice(header.indexOf('v1=') + 3), 'hex');
      const digest = createHmac('sha256', secret).update(`${t}.`).update(body).digest();
      if (!timingSafeEqual(digest, expected)) throw new Error('mismatch');
      return { id: 'event_01HZX4Q8J4TB6T9ZJQK3M1R7VW' };
    },
  },
  {
    name: '(a) bare createHmac + timingSafeEqual + JSON.parse',
    async: false,
    run: (body, header) => {
      const t = header.slice(2, header.indexOf(','));
      const expected = Buffer.from(header.slice(header.indexOf('v1=') + 3), 'hex');
      const digest = createHmac('sha256', secret).update(`${t}.`).update(body).digest();
      if (!timingSafeEqual(digest, expected)) throw new Error('mismatch');
      return JSON.parse(body.toString('utf8'));
    },
  },
  {
    name: '(b) createVerifier().verifyAndParse (sync)',
    async: false,
    run: (body, header) => verifier.verifyAndParse(body, header),
  },
  {
    name: '(c) compat webhooks.constructEvent',
    async: true,
    run: (body, header) => compat.constructEvent({ payload: body, sigHeader: header, secret }),
  },
  {
    name: '(d) @workos-inc/node 11.0.0 constructEvent',
    async: true,
    run: (body, header) => sdk.constructEvent({ payload: body, sigHeader: header, secret }),
  },
];

function header(body: Buffer): string {
  const t = Date.now();
  return `t=${t}, v1=${createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex')}`;
}

interface Rate {
  /** Operations per wall-clock second: what a caller waiting on each result sees. */
  wall: number;
  /** Operations per second of this process's CPU time (all threads): what the work costs, which
   * other processes on a busy machine distort much less. */
  cpu: number;
}

/** One round of about `ms` milliseconds. */
async function round(c: Case, body: Buffer, ms: number): Promise<Rate> {
  const sig = header(body);
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  const budget = BigInt(ms) * 1_000_000n;
  let ops = 0;
  let elapsed = 0n;
  while (elapsed < budget) {
    if (c.async) for (let i = 0; i < 32; i++) await c.run(body, sig);
    else for (let i = 0; i < 32; i++) c.run(body, sig);
    ops += 32;
    elapsed = process.hrtime.bigint() - start;
  }
  const cpu = process.cpuUsage(cpuStart);
  return { wall: ops / (Number(elapsed) / 1e9), cpu: ops / ((cpu.user + cpu.system) / 1e6) };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const col = (s: string, n: number) => s.padStart(n);

function report(label: string, ops: number[]): void {
  const [, a, b, c, d] = ops as [number, number, number, number, number];
  console.log(
    `  ${label}: (b)/(d) = ${(b / d).toFixed(1)}x (target >= 30x), ` +
      `(c)/(d) = ${(c / d).toFixed(1)}x (target >= 20x), ` +
      `time per op (b)/(a) = ${(a / b).toFixed(2)}x (target <= 1.5x)`,
  );
}

async function main(): Promise<void> {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `bench:verify — node ${process.version}, ${cpus().length} CPUs (${cpu}), ` +
      `${rounds} rounds of ${roundMs} ms, medians, load average ${loadavg()[0]!.toFixed(1)}\n`,
  );
  for (const size of [1024, 16 * 1024]) {
    const body = deliveryBody(size);
    // Everything must agree before it is timed.
    const sig = header(body);
    for (const c of cases) {
      const event = (await c.run(body, sig)) as { id: string };
      if (event.id !== 'event_01HZX4Q8J4TB6T9ZJQK3M1R7VW')
        throw new Error(`${c.name}: wrong result`);
    }
    for (const c of cases) await round(c, body, 300); // warm-up
    const results = new Map<Case, Rate[]>(cases.map((c) => [c, []]));
    for (let r = 0; r < rounds; r++) {
      for (const c of cases) results.get(c)!.push(await round(c, body, roundMs));
    }
    const wall = cases.map((c) => median(results.get(c)!.map((r) => r.wall)));
    const cpuRate = cases.map((c) => median(results.get(c)!.map((r) => r.cpu)));
    console.log(`body ${body.length} bytes (dsync.user.created)`);
    console.log(
      `  ${'case'.padEnd(54)}${col('ops/s', 10)}${col('µs/op', 9)}${col('CPU ops/s', 11)}${col('CPU µs/op', 11)}`,
    );
    cases.forEach((x, i) => {
      const w = wall[i]!;
      const c = cpuRate[i]!;
      console.log(
        `  ${x.name.padEnd(54)}${col(fmt(w), 10)}${col((1e6 / w).toFixed(2), 9)}` +
          `${col(fmt(c), 11)}${col((1e6 / c).toFixed(2), 11)}`,
      );
    });
    report('wall clock', wall);
    report('CPU time  ', cpuRate);
    console.log('');
  }
}

await main();
