import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/server/config.js';
import { FilterError } from '../../src/server/event-filter.js';
import { BodyTooLargeError } from '../../src/server/read-small-body.js';
import { CliError, exitCodes } from '../../src/cli/exit-codes.js';
import { errorCodes, receiverErrorKinds } from '../../src/errors/error-codes.js';
import { httpErrorBody, workosErrorBody } from '../../src/errors/http-error-body.js';
import { WorkosInboxError } from '../../src/index.js';
import * as api from '../../src/index.js';
import { SignatureVerificationException } from '../../src/signature/errors.js';

describe('error codes', () => {
  it('docs/errors.md lists exactly the codes the code defines', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const documented = [...doc.matchAll(/^\| ([^|]+?)\s*\| `(\w+)`\s*\|$/gm)]
      .map((m) => [m[1], m[2]])
      .filter(([where]) => where !== 'Where');
    const defined = Object.entries(errorCodes).flatMap(([where, codes]) =>
      codes.map((code) => [where, code]),
    );
    expect(documented).toEqual(defined);
  });

  // The codes table above says nothing of the `error` kinds the receiver names itself (such as
  // `raw_body_unavailable`), which docs/errors.md lists in a sentence of their own: kept equal here,
  // and with the `Body` column of docs/inbox.md's status table.
  it("docs/errors.md and docs/inbox.md list exactly the receiver's own error kinds", () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const sentence = /the receiver keeps its documented kinds \(([^)]*)/.exec(doc)?.[1] ?? '';
    const listed = [...sentence.matchAll(/`(\w+)`/g)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...receiverErrorKinds].sort());
    const inbox = readFileSync(new URL('../../docs/inbox.md', import.meta.url), 'utf8');
    const table = inbox.slice(inbox.indexOf('### Status codes'), inbox.indexOf('### Adapters'));
    const bodies = [...table.matchAll(/^\| [^|]+ \| [^\n]+ \| ([^|\n]+) \|$/gm)]
      .map((m) => m[1]!.replace(/\([^)]*\)/g, ''))
      .filter((body) => !body.includes('{'))
      .flatMap((body) => [...body.matchAll(/`(\w+)`/g)].map((m) => m[1]!));
    const byStatus = ['method_not_allowed', 'payload_too_large'];
    expect([...new Set(bodies.filter((kind) => !byStatus.includes(kind)))].sort()).toEqual(
      [...receiverErrorKinds].sort(),
    );
  });

  it('every exported error class is a WorkosInboxError with a listed code', () => {
    const classes = Object.entries(api).filter(
      ([name, value]) =>
        typeof value === 'function' &&
        /(Error|Exception)$/.test(name) &&
        name !== 'WorkosInboxError',
    );
    expect(classes.length).toBeGreaterThanOrEqual(10);
    for (const [name, value] of classes) {
      expect((value as { prototype: unknown }).prototype, name).toBeInstanceOf(WorkosInboxError);
      expect(Object.keys(errorCodes), name).toContain(name);
    }
    const samples = [
      new ConfigError('x'),
      new FilterError('x', 'status'),
      new BodyTooLargeError(1),
      new CliError('x', exitCodes.database, 'no_database', { cause: new Error('driver') }),
    ];
    for (const error of samples) {
      expect(error).toBeInstanceOf(WorkosInboxError);
      expect(errorCodes[error.name as keyof typeof errorCodes]).toContain(error.code);
    }
    expect(samples[3]!.cause).toBeInstanceOf(Error);
  });

  it('SignatureVerificationException keeps the SDK name and message', () => {
    const error = new SignatureVerificationException();
    expect(error).toBeInstanceOf(WorkosInboxError);
    expect(error.name).toBe('SignatureVerificationException');
    expect(error.message).toBe('Signature verification failed.');
  });

  it('builds one body shape; WorkOS-compatible bodies drop `error` where the SDK misreads it', () => {
    expect(httpErrorBody({ status: 404, code: 'not_found', message: 'Not Found' })).toEqual({
      error: 'not_found',
      code: 'not_found',
      message: 'Not Found',
    });
    expect(workosErrorBody({ status: 404, code: 'entity_not_found', message: 'm' })).toHaveProperty(
      'error',
      'not_found',
    );
    expect(workosErrorBody({ status: 405, code: 'method_not_allowed', message: 'm' })).toEqual({
      code: 'method_not_allowed',
      message: 'm',
    });
  });
});
