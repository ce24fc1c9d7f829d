import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleEvent } from '../../src/testing/sample-event.js';
import { signedHeaders } from '../inbox/helpers/events.js';
import { ensureBuilt, freePort, killAll, listEvents, runCli, startServe } from './cli-harness.js';
import { makeSelfSignedCertificate } from '../helpers/self-signed.js';

// Child processes on a loaded CI machine: generous bounds; every wait inside is bounded too.

const secret = 'whsec_production_test_secret_0123456789';
const adminToken = 'admin-token-for-production-tests-0123456789';
const production = {
  NODE_ENV: 'production',
  WORKOS_WEBHOOK_SECRET: secret,
  WORKOS_INBOX_ADMIN_TOKEN: adminToken,
};

function signedBody(id: string): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(sampleEvent('dsync.user.created', { overrides: { id } }));
  return {
    body,
    headers: signedHeaders(body, Date.now(), secret),
  };
}

describe('NODE_ENV=production', () => {
  let cwd: string;

  beforeAll(() => {
    ensureBuilt();
    cwd = mkdtempSync(join(tmpdir(), 'wi-e2e-prod-'));
  });
  afterAll(() => {
    killAll();
    rmSync(cwd, { recursive: true, force: true });
  });

  it('refuses to start without a secret or an admin token, saying what to set', async () => {
    const port = String(await freePort());
    const result = await runCli(['serve', '--host', '127.0.0.1', '--port', port, '--trust-proxy'], {
      cwd,
      env: { NODE_ENV: 'production' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('WORKOS_WEBHOOK_SECRET');
    expect(result.stderr).toContain('WORKOS_INBOX_ADMIN_TOKEN');
    // Nothing was generated: production never falls back to development credentials.
    expect(() => readFileSync(join(cwd, '.workos-inbox', 'dev-secret'))).toThrow();
  });

  it('a port in use stops even a cluster at once, with exit code 2', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = String((blocker.address() as AddressInfo).port);
    try {
      for (const processes of ['1', '2']) {
        const result = await runCli(
          ['serve', '--host', '127.0.0.1', '--port', port, '--processes', processes],
          { cwd, timeoutMs: 30_000 },
        );
        expect(result.code, processes).toBe(2);
        expect(result.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
      }
    } finally {
      blocker.close();
    }
  });

  it('refuses plain HTTP without TLS or a trusted proxy', async () => {
    const port = String(await freePort());
    const result = await runCli(['serve', '--host', '127.0.0.1', '--port', port], {
      cwd,
      env: production,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('HTTPS is required');
    expect(result.stderr).toContain('--trust-proxy');
  });

  it('behind a proxy: 403 "HTTPS required" unless X-Forwarded-Proto is https; the IP allow list applies', async () => {
    const serve = await startServe(['--trust-proxy', '--allow-ip', '10.1.2.3,10.1.2.4'], {
      cwd,
      env: production,
    });
    try {
      const post = (id: string, headers: Record<string, string>) => {
        const signed = signedBody(id);
        return fetch(`${serve.base}/webhooks/workos`, {
          method: 'POST',
          body: signed.body,
          headers: { ...signed.headers, ...headers },
        });
      };
      const plain = await post('event_plain', { 'x-forwarded-for': '10.1.2.3' });
      expect(plain.status).toBe(403);
      expect(await plain.json()).toEqual({
        error: 'forbidden',
        code: 'https_required',
        message: 'HTTPS required',
      });

      const notAllowed = await post('event_wrong_ip', {
        'x-forwarded-proto': 'https',
        'x-forwarded-for': '192.0.2.1',
      });
      expect(notAllowed.status).toBe(403);
      // The left-most entry is the client's to choose; only the proxy's own (right-most) counts.
      const spoofed = await post('event_spoofed', {
        'x-forwarded-proto': 'https',
        'x-forwarded-for': '10.1.2.3, 192.0.2.1',
      });
      expect(spoofed.status).toBe(403);

      const accepted = await post('event_via_proxy', {
        'x-forwarded-proto': 'https',
        'x-forwarded-for': '10.1.2.4',
      });
      expect(accepted.status).toBe(200);

      // Probes stay reachable over plain HTTP inside the network; the admin API does not.
      expect((await fetch(`${serve.base}/healthz`)).status).toBe(200);
      const adminPlain = await fetch(`${serve.base}/inbox/events`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      expect(adminPlain.status).toBe(403);
      const adminHttps = await fetch(`${serve.base}/inbox/events`, {
        headers: { authorization: `Bearer ${adminToken}`, 'x-forwarded-proto': 'https' },
      });
      expect(adminHttps.status).toBe(200);
      const ids = ((await adminHttps.json()) as { data: Array<{ id: string }> }).data.map(
        (e) => e.id,
      );
      expect(ids).toEqual(['event_via_proxy']);

      expect(await serve.stop()).toBe(0);
      const { stdout, stderr } = serve.output();
      // JSON logs, one object per line, and never a secret.
      for (const line of stdout.split('\n').filter((l) => l !== ''))
        expect(() => JSON.parse(line)).not.toThrow();
      expect(stdout + stderr).not.toContain(secret);
      expect(stdout + stderr).not.toContain(adminToken);
    } finally {
      await serve.stop('SIGKILL');
    }
  });

  it('serves HTTPS natively with --tls-cert/--tls-key (self-signed certificate made here)', async () => {
    makeSelfSignedCertificate(cwd, '127.0.0.1', 'IP:127.0.0.1');
    const serve = await startServe(['--tls-cert', 'cert.pem', '--tls-key', 'key.pem'], {
      cwd,
      env: production,
      https: true,
    });
    try {
      const to = `${serve.base}/webhooks/workos`;
      const untrusted = await runCli(
        ['trigger', 'dsync.user.created', '--to', to, '--secret', secret],
        { cwd },
      );
      expect(untrusted.code).toBe(1);
      expect(untrusted.stderr).toContain('self-signed certificate');

      const sent = await runCli(
        [
          'trigger',
          'dsync.group.created',
          '--to',
          to,
          '--secret',
          secret,
          '--insecure',
          '--count',
          '3',
        ],
        { cwd },
      );
      expect(sent.code, `${sent.stdout}\n${sent.stderr}`).toBe(0);
      expect(sent.stdout).toContain('2xx 3');

      // A client that trusts this certificate reads the admin API over TLS.
      const cert = readFileSync(join(cwd, 'cert.pem'));
      const status = await new Promise<number>((resolve, reject) => {
        request(
          `${serve.base}/inbox/events?event=dsync.group.created`,
          {
            ca: cert,
            headers: { authorization: `Bearer ${adminToken}` },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        )
          .on('error', reject)
          .end();
      });
      expect(status).toBe(200);
      expect(await serve.stop()).toBe(0);
      const stored = await listEvents(cwd, ['--event', 'dsync.group.created']);
      expect(stored).toHaveLength(3);
    } finally {
      await serve.stop('SIGKILL');
    }
  });
});
