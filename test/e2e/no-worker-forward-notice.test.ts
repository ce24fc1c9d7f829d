// `serve --no-worker --forward-to …` queues a delivery per destination for every event but sends
// none (docs/forward.md: a `work --forward-to` process does). Before the fix it said nothing of
// forwarding at all, so an operator who ran no such `work` saw deliveries stay pending with no
// line in the log to say why. Now its start says so, naming the destinations; a serve that
// sends them logs the usual `forwarding` line instead.
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, startServe, useFreshFolder } from './cli-harness.js';

const destination = 'http://127.0.0.1:9/webhooks/workos';
const notice = 'this serve --no-worker queues a delivery to each destination';

describe('serve --forward-to says at start whether it sends the deliveries (built CLI)', () => {
  beforeAll(() => ensureBuilt());
  const cwd = useFreshFolder('wi-no-worker-forward-');

  it('--no-worker: queues but does not send, and names who does', async () => {
    const serve = await startServe(['--no-worker', '--forward-to', destination], { cwd: cwd() });
    expect(await serve.stop('SIGTERM')).toBe(0);
    const { stdout } = serve.output();
    const line = stdout.split('\n').find((l) => l.includes(notice));
    expect(line, stdout).toBeDefined();
    const logged = JSON.parse(line!) as { destinations: string[]; msg: string };
    expect(logged.destinations).toEqual([destination]);
    expect(logged.msg).toContain('workos-inbox work --forward-to');
  });

  it('with its worker: the forwarding line, not the notice', async () => {
    const serve = await startServe(['--forward-to', destination], { cwd: cwd() });
    expect(await serve.stop('SIGTERM')).toBe(0);
    const { stdout } = serve.output();
    expect(stdout).toContain('"msg":"forwarding"');
    expect(stdout).not.toContain(notice);
  });
});
