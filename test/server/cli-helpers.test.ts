import { writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeMatches, didYouMean } from '../../src/errors/close-matches.js';
import { applySet, deepMerge } from '../../src/cli/event-shaping.js';
import { CliError } from '../../src/cli/exit-codes.js';
import { resolveToolSecretsAndSource } from '../../src/cli/secret-option.js';
import { devSecretFile } from '../../src/server/dev-credentials.js';
import { createTempSqlitePath } from '../helpers/sqlite.js';
import { defaultTriggerUrl } from '../../src/cli/trigger.js';
import { eventNames } from '../../src/events/index.js';
import { clientAddress, isSecureRequest } from '../../src/server/client-address.js';
import { parseSince } from '../../src/server/event-filter.js';

describe('trigger --set', () => {
  it('sets dotted paths, parsing JSON values and keeping other text as strings', () => {
    const event: Record<string, unknown> = {
      id: 'e',
      data: { email: 'a@b.c', groups: [{ name: 'x' }] },
    };
    applySet(event, 'data.email=ada@example.com');
    applySet(event, 'data.state="inactive"');
    applySet(event, 'data.custom_attributes={"team":"compilers"}');
    applySet(event, 'data.groups.0.name=Admins');
    applySet(event, 'data.count=3');
    applySet(event, 'context.client_id=client_123');
    applySet(event, 'data.note=a=b');
    expect(event).toEqual({
      id: 'e',
      data: {
        email: 'ada@example.com',
        state: 'inactive',
        custom_attributes: { team: 'compilers' },
        groups: [{ name: 'Admins' }],
        count: 3,
        note: 'a=b',
      },
      context: { client_id: 'client_123' },
    });
  });

  it('rejects assignments without a path and prototype paths', () => {
    expect(() => applySet({}, 'novalue')).toThrow(CliError);
    expect(() => applySet({}, '=x')).toThrow(CliError);
    expect(() => applySet({}, '__proto__.polluted=1')).toThrow(CliError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('--data-file merges objects deeply and replaces arrays', () => {
    const target = { a: { b: 1, c: [1, 2] }, d: 'x' };
    deepMerge(target, { a: { c: [3] }, e: true });
    expect(target).toEqual({ a: { b: 1, c: [3] }, d: 'x', e: true });
  });
});

describe('closeMatches', () => {
  it('suggests the intended event names for typos and partial names', () => {
    expect(closeMatches('dsync.user.creatd', eventNames)[0]).toBe('dsync.user.created');
    expect(closeMatches('user.created', eventNames)).toContain('dsync.user.created');
    expect(closeMatches('connection.activate', eventNames)[0]).toBe('connection.activated');
    expect(closeMatches('zzzzzzzzzz', eventNames)).toEqual([]);
  });

  it('words a suggestion one way for every command, or says nothing', () => {
    expect(didYouMean('ap', ['app', 'billing'], 3)).toBe(' Did you mean: app?');
    expect(didYouMean('dsync.user.creatd', eventNames, 1)).toBe(
      ' Did you mean: dsync.user.created?',
    );
    expect(didYouMean('zzzzzzzzzz', eventNames)).toBe('');
  });
});

describe('proxy headers', () => {
  const req = (
    headers: Record<string, string>,
    remoteAddress = '::ffff:127.0.0.1',
    encrypted = false,
  ) => ({ headers, socket: { remoteAddress, encrypted } }) as unknown as IncomingMessage;

  it('trusts X-Forwarded-* only with --trust-proxy, and only the right-most address', () => {
    expect(clientAddress(req({ 'x-forwarded-for': '10.0.0.1' }), false)).toBe('127.0.0.1');
    expect(clientAddress(req({ 'x-forwarded-for': '10.0.0.1' }), true)).toBe('10.0.0.1');
    expect(clientAddress(req({ 'x-forwarded-for': '6.6.6.6, 10.0.0.1' }), true)).toBe('10.0.0.1');
    expect(isSecureRequest(req({ 'x-forwarded-proto': 'https' }), false)).toBe(false);
    expect(isSecureRequest(req({ 'x-forwarded-proto': 'https' }), true)).toBe(true);
    expect(isSecureRequest(req({ 'x-forwarded-proto': 'http' }), true)).toBe(false);
    expect(isSecureRequest(req({}, '127.0.0.1', true), false)).toBe(true);
  });
});

describe('--since', () => {
  it('takes ISO dates and durations back from now', () => {
    const now = new Date('2026-05-01T12:00:00Z');
    expect(parseSince('2h', now).toISOString()).toBe('2026-05-01T10:00:00.000Z');
    expect(parseSince('7d', now).toISOString()).toBe('2026-04-24T12:00:00.000Z');
    expect(parseSince('2026-04-30T00:00:00Z', now).toISOString()).toBe('2026-04-30T00:00:00.000Z');
    expect(() => parseSince('yesterday', now)).toThrow(/ISO date/);
  });
});

describe('trigger --to default', () => {
  it('is the local serve: port 3000 and /webhooks/workos unless PORT / WORKOS_INBOX_PATH say otherwise', () => {
    expect(defaultTriggerUrl({})).toBe('http://127.0.0.1:3000/webhooks/workos');
    expect(defaultTriggerUrl({ PORT: '8080', WORKOS_INBOX_PATH: '/hooks' })).toBe(
      'http://127.0.0.1:8080/hooks',
    );
  });

  it('refuses a PORT or WORKOS_INBOX_PATH serve would refuse, naming the variable (exit 2)', () => {
    for (const [env, message] of [
      [{ PORT: 'abc' }, 'PORT must be a port from 1 to 65535, got "abc"'],
      [{ PORT: '99999' }, 'PORT must be a port from 1 to 65535, got "99999"'],
      [{ WORKOS_INBOX_PATH: 'hooks' }, 'WORKOS_INBOX_PATH must start with "/"'],
    ] as const) {
      expect(() => defaultTriggerUrl(env)).toThrow(message);
      expect(() => defaultTriggerUrl(env)).toThrow('or pass --to <url>');
      try {
        defaultTriggerUrl(env);
      } catch (error) {
        expect(error).toMatchObject({ exitCode: 2, code: 'invalid_url' });
      }
    }
  });
});

describe("the tools' webhook secret", () => {
  it('says where it came from, for a message about a secret the endpoint does not share', () => {
    const temp = createTempSqlitePath();
    try {
      writeFileSync(join(temp.dir, devSecretFile), 'wi_dev\n');
      const env = { WORKOS_WEBHOOK_SECRET: 'whsec_env' };
      expect(resolveToolSecretsAndSource({ secret: 'whsec_flag', dataDir: temp.dir, env })).toEqual(
        { secrets: ['whsec_flag'], source: '--secret' },
      );
      expect(resolveToolSecretsAndSource({ dataDir: temp.dir, env })).toEqual({
        secrets: ['whsec_env'],
        source: 'WORKOS_WEBHOOK_SECRET',
      });
      expect(resolveToolSecretsAndSource({ dataDir: temp.dir, env: {} })).toEqual({
        secrets: ['wi_dev'],
        source: `serve's development secret in ${temp.dir}`,
      });
    } finally {
      temp.cleanup();
    }
  });
});
