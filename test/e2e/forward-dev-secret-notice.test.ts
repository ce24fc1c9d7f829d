// `serve --forward-to <url>` in development with no webhook secret signs each delivery with the
// generated development secret. An existing endpoint verifies with its own, so it answered 401 to
// every delivery for a day of retries, with only a warning per failed attempt to say so. Now the
// start says it once, with the two ways to give the destination's secret (docs/forward.md). `work`
// has no --secret flag, so its warning names the variable only.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, runCli, startServe, useFreshFolder } from './cli-harness.js';

const destination = 'http://127.0.0.1:9/webhooks/workos';
const notice = 'signed with the generated development secret';

describe('serve --forward-to in development says which secret signs the deliveries (built CLI)', () => {
  beforeAll(() => ensureBuilt());
  const cwd = useFreshFolder('wi-forward-dev-secret-');

  it('no webhook secret: one warning at start, naming the destination and the ways out', async () => {
    const serve = await startServe(['--forward-to', destination], { cwd: cwd() });
    expect(await serve.stop('SIGTERM')).toBe(0);
    const { stdout } = serve.output();
    const lines = stdout.split('\n').filter((l) => l.includes(notice));
    expect(lines, stdout).toHaveLength(1);
    const logged = JSON.parse(lines[0]!) as { level: number; destinations: string[]; msg: string };
    expect(logged.level).toBe(40);
    expect(logged.destinations).toEqual([destination]);
    expect(logged.msg).toContain(join(cwd(), '.workos-inbox', 'dev-secret'));
    expect(logged.msg).toContain('WORKOS_WEBHOOK_SECRET');
    expect(logged.msg).toContain(';secret=env:VAR');
    expect(logged.msg).toContain('(or --secret)');
  });

  it('work: the warning names only what work takes (it has no --secret flag)', async () => {
    const work = await startServe(['--forward-to', destination], { cwd: cwd(), command: 'work' });
    expect(await work.stop('SIGTERM')).toBe(0);
    const { stdout } = work.output();
    const lines = stdout.split('\n').filter((l) => l.includes(notice));
    expect(lines, stdout).toHaveLength(1);
    const { msg } = JSON.parse(lines[0]!) as { msg: string };
    expect(msg).toContain('WORKOS_WEBHOOK_SECRET=…');
    expect(msg).toContain(';secret=env:VAR');
    expect(msg).not.toContain('--secret');
    // What it names is what work accepts.
    const refused = await runCli(['work', '--secret', 'whsec_x'], { cwd: cwd() });
    expect(refused.code).toBe(2);
  });

  it.each([
    ['WORKOS_WEBHOOK_SECRET', [destination], { WORKOS_WEBHOOK_SECRET: 'whsec_endpoint' }],
    ['secret= of the destination', [`${destination};secret=env:APP_SECRET`], { APP_SECRET: 'x' }],
  ])('%s: no warning', async (_, forwardTo, env) => {
    const serve = await startServe(['--forward-to', ...forwardTo], { cwd: cwd(), env });
    expect(await serve.stop('SIGTERM')).toBe(0);
    const { stdout } = serve.output();
    expect(stdout).toContain('"msg":"forwarding"');
    expect(stdout).not.toContain(notice);
  });
});
