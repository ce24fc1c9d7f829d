import { Writable } from 'node:stream';
import { pino } from 'pino';
import pretty from 'pino-pretty';
import { describe, expect, it } from 'vitest';
import { prettyOptions } from '../../src/server/logger.js';

function prettyLines(level: string, log: (logger: pino.Logger) => void): string[] {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const stream = pretty({ ...prettyOptions(level), colorize: false, sync: true, destination });
  log(pino({ level }, stream));
  return text.split('\n').filter((line) => line !== '');
}

// A failing handler is retried up to ten times: in a terminal each failure is one line.
describe('pretty logs in a terminal', () => {
  const failure = (logger: pino.Logger) => {
    const error = new Error('directory sync exploded');
    logger.warn({ err: error, eventId: 'event_1' }, 'handler failed; will retry');
  };

  it('show a failed attempt as one line with the error message, no stack', () => {
    const lines = prettyLines('info', failure);
    expect(lines).toHaveLength(2); // the line and its eventId field
    expect(lines[0]).toContain('handler failed; will retry: directory sync exploded');
    expect(lines.join('\n')).not.toMatch(/^\s+at /m);
  });

  it('show the stack at debug level', () => {
    const lines = prettyLines('debug', failure);
    expect(lines.join('\n')).toMatch(/^\s+at /m);
  });
});
