// An `events=` pattern of --forward-to that no event name matches (`dsync.usr.*`) forwards nothing
// to its destination. Before the fix `serve` started without a word about it; now its start warns
// once, naming the destination and the pattern with what it may mean, and still starts (WorkOS
// adds events: a pattern may be waiting for one). Patterns that match known names say nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, startServe, useFreshFolder } from './cli-harness.js';

const url = 'http://127.0.0.1:9/webhooks/workos';

interface LogLine {
  level: number;
  msg: string;
  destination?: string;
  pattern?: string;
}

const warnings = (stdout: string): LogLine[] =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine)
    .filter((l) => l.level === 40 && l.msg.startsWith('forwarding: events='));

describe('serve --forward-to with an events= pattern no event name matches (built CLI)', () => {
  beforeAll(() => ensureBuilt());
  const cwd = useFreshFolder('wi-forward-typo-');

  it('warns once at start, naming the pattern and what it may mean', async () => {
    const serve = await startServe(
      ['--forward-to', `${url};events=dsync.usr.*,dsync.user.created,connection.activatd`],
      { cwd: cwd(), env: { WORKOS_WEBHOOK_SECRET: 'whsec_forward_typo' } },
    );
    expect(await serve.stop('SIGTERM')).toBe(0);
    const lines = warnings(serve.output().stdout);
    expect(lines.map((l) => [l.destination, l.pattern])).toEqual([
      [url, 'dsync.usr.*'],
      [url, 'connection.activatd'],
    ]);
    expect(lines[0]!.msg).toContain('matches none of the 91 event names this version knows');
    expect(lines[0]!.msg).toContain('Did you mean: dsync.user.*?');
    expect(lines[1]!.msg).toContain('Did you mean: connection.activated');
  });

  it('says nothing of patterns that match known names', async () => {
    const serve = await startServe(['--forward-to', `${url};events=dsync.*,user.created,*`], {
      cwd: cwd(),
      env: { WORKOS_WEBHOOK_SECRET: 'whsec_forward_typo' },
    });
    expect(await serve.stop('SIGTERM')).toBe(0);
    expect(warnings(serve.output().stdout)).toEqual([]);
  });
});
