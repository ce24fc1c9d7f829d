import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useBackends } from './backends.js';

const backends = useBackends();
const fixture = fileURLToPath(new URL('./fixtures/append-and-report.ts', import.meta.url));

/** Run the fixture, SIGKILL it right after it reported `afterLines` committed batches. */
function appendThenKill(database: string, schema: string, prefix: string, afterLines: number) {
  return new Promise<string[]>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, database, schema, prefix], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acknowledged: string[] = [];
    let buffered = '';
    let stderr = '';
    let lines = 0;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        acknowledged.push(...buffered.slice(0, newline).split(' '));
        buffered = buffered.slice(newline + 1);
        if (++lines === afterLines) child.kill('SIGKILL');
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acknowledged);
      else reject(new Error(`fixture exited ${code}: ${stderr}`));
    });
  });
}

describe.each(backends)('durability on $name', (backend) => {
  it('keeps every acknowledged event after the process is SIGKILLed right after the commit', async () => {
    const db = backend.fresh();
    const schema = db.options.schema ?? '-';
    const acknowledged: string[] = [];
    for (const [round, afterLines] of [1, 3, 7].entries()) {
      acknowledged.push(
        ...(await appendThenKill(db.options.database, schema, `k${round}`, afterLines)),
      );
    }
    expect(acknowledged.length).toBeGreaterThanOrEqual(20 * (1 + 3 + 7));
    const store = await db.open();
    await store.migrate();
    for (const id of acknowledged) {
      const event = await store.get(id);
      expect(event?.status, id).toBe('pending');
      expect(event?.rawBody.equals(Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from(id)]))).toBe(true);
    }
  });
});
