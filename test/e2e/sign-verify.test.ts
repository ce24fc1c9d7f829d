import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkOS } from '@workos-inc/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleEvent } from '../../src/testing/sample-event.js';
import { ensureBuilt, runCli } from './cli-harness.js';

const secret = 'whsec_sign_verify_0123456789';

describe('sign and verify', () => {
  let cwd: string;
  let body: string;
  const workos = new WorkOS({ clientId: 'client_x' });

  beforeAll(() => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-sign-'));
    body = JSON.stringify(sampleEvent('dsync.user.created', { seed: 3 }));
    writeFileSync(join(cwd, 'event.json'), body);
    writeFileSync(join(cwd, 'tampered.json'), body.replace('"active"', '"inactive"'));
  });
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('`sign` prints a header the official SDK accepts', async () => {
    const signed = await runCli(['sign', 'event.json', '--secret', secret], { cwd });
    expect(signed.code).toBe(0);
    expect(signed.stdout).toMatch(/^WorkOS-Signature: t=\d{13}, v1=[0-9a-f]{64}\n$/);
    const sigHeader = signed.stdout.replace('WorkOS-Signature: ', '').trim();
    const event = await workos.webhooks.constructEvent({ payload: body, sigHeader, secret });
    expect(event.id).toBe((JSON.parse(body) as { id: string }).id);
  });

  it("`verify` accepts the SDK's signature (exit 0) and says why a bad one fails (exit 1)", async () => {
    const t = Date.now();
    const sdkHeader = `t=${t}, v1=${await workos.webhooks.computeSignature(t, body, secret)}`;
    const valid = await runCli(['verify', 'event.json', sdkHeader, '--secret', secret], { cwd });
    expect(valid.code).toBe(0);
    expect(valid.stdout).toMatch(/^valid: signed /);

    const tampered = await runCli(['verify', 'tampered.json', sdkHeader, '--secret', secret], {
      cwd,
    });
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toContain('invalid (signature_mismatch)');

    const wrongSecret = await runCli(['verify', 'event.json', sdkHeader, '--secret', 'other'], {
      cwd,
    });
    expect(wrongSecret.code).toBe(1);

    const garbled = await runCli(['verify', 'event.json', 'nonsense', '--secret', secret], { cwd });
    expect(garbled.code).toBe(1);
    expect(garbled.stdout).toMatch(/^invalid \(/);
  });

  it('round-trips through standard input, rotation and the timestamp check', async () => {
    const old = Date.now() - 10 * 60_000;
    const stale = await runCli(
      ['sign', '-', '--secret', secret, '--timestamp', String(old), '--value-only'],
      { cwd, input: body },
    );
    const staleHeader = stale.stdout.trim();
    expect(staleHeader.startsWith(`t=${old}, v1=`)).toBe(true);
    const tooOld = await runCli(['verify', 'event.json', staleHeader, '--secret', secret], { cwd });
    expect(tooOld.code).toBe(1);
    expect(tooOld.stdout).toContain('timestamp_too_old');
    const tolerant = await runCli(
      ['verify', 'event.json', staleHeader, '--secret', secret, '--tolerance-ms', '900000'],
      { cwd },
    );
    expect(tolerant.code).toBe(0);

    const fresh = (await runCli(['sign', 'event.json', '--secret', 'new-secret'], { cwd })).stdout;
    const rotated = await runCli(['verify', '-', fresh, '--secret', 'old-secret,new-secret'], {
      cwd,
      input: body,
    });
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain('with secret #2');
  });

  it('without any secret, exits 2 and says where one comes from', async () => {
    const result = await runCli(['sign', 'event.json'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('WORKOS_WEBHOOK_SECRET');
    const missingFile = await runCli(['verify', 'nope.json', 't=1, v1=2', '--secret', secret], {
      cwd,
    });
    expect(missingFile.code).toBe(2);
  });

  it('prints help for every command and exits 2 on unknown flags', async () => {
    for (const command of [
      [],
      ['serve'],
      ['work'],
      ['trigger'],
      ['sign'],
      ['verify'],
      ['events', 'list'],
      ['events', 'show'],
      ['events', 'replay'],
      ['events', 'redrive'],
      ['directory', 'users'],
      ['directory', 'groups'],
      ['directory', 'user'],
      ['migrate'],
      ['stats'],
    ]) {
      const help = await runCli([...command, '--help'], { cwd });
      expect(help.code, command.join(' ')).toBe(0);
      expect(help.stdout).toContain('Usage: workos-inbox');
    }
    const serveHelp = await runCli(['serve', '--help'], { cwd });
    // commander wraps the help to the terminal's width: compare with the line breaks taken out.
    expect(serveHelp.stdout.replace(/\s+/g, ' ')).toContain('env: WORKOS_WEBHOOK_SECRET');
    const unknown = await runCli(['serve', '--no-such-flag'], { cwd });
    expect(unknown.code).toBe(2);
  });
});
