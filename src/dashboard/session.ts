import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock.js';

/** How long a dashboard session lasts after sign-in. */
export const sessionTtlMs = 8 * 60 * 60 * 1000;

export interface Session {
  /** Random per sign-in; the CSRF token is derived from it. */
  nonce: string;
  expiresAt: number;
}

/**
 * Dashboard sessions as signed cookies: `<expiry>.<nonce>.<HMAC>`, keyed by a key derived from the
 * admin token. Every process of a cluster that has the same admin token accepts them (no shared
 * memory needed), and rotating the admin token ends every session. Sign-out revokes the nonce in
 * this process until it would have expired anyway.
 */
export interface SessionManager {
  /** A new session and its cookie value. */
  create(): { session: Session; cookie: string };
  /** The session a cookie value stands for, or undefined (bad signature, expired, revoked). */
  verify(cookie: string | undefined): Session | undefined;
  revoke(session: Session): void;
  /** The CSRF token that forms of this session must send back. */
  csrfToken(session: Session): string;
  /** Whether `token` is this session's CSRF token (constant-time). */
  checkCsrf(session: Session, token: string | undefined): boolean;
  /** `text` signed for this session only (a notice a cookie carries across a redirect). */
  sign(session: Session, text: string): string;
  /** The text `sign` signed for this session, or undefined (forged, or another session's). */
  unsign(session: Session, value: string | undefined): string | undefined;
}

/** Constant-time string comparison (both sides hashed first, so lengths do not leak). */
export function sameSecret(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}

export function createSessionManager(
  adminToken: string,
  clock: Clock,
  ttlMs = sessionTtlMs,
): SessionManager {
  const key = createHmac('sha256', adminToken).update('workos-inbox dashboard session v1').digest();
  const mac = (text: string) => createHmac('sha256', key).update(text).digest('base64url');
  const revoked = new Map<string, number>();
  const forgetExpired = (now: number) => {
    for (const [nonce, until] of revoked) if (until <= now) revoked.delete(nonce);
  };
  return {
    create() {
      const session = {
        nonce: randomBytes(18).toString('base64url'),
        expiresAt: clock.now() + ttlMs,
      };
      const body = `${session.expiresAt}.${session.nonce}`;
      return { session, cookie: `${body}.${mac(body)}` };
    },
    verify(cookie) {
      if (!cookie) return undefined;
      const match = /^(\d{1,16})\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{1,64})$/.exec(cookie);
      if (!match?.[1] || !match[2] || !match[3]) return undefined;
      if (!sameSecret(mac(`${match[1]}.${match[2]}`), match[3])) return undefined;
      const now = clock.now();
      const expiresAt = Number(match[1]);
      if (expiresAt <= now) return undefined;
      forgetExpired(now);
      if (revoked.has(match[2])) return undefined;
      return { nonce: match[2], expiresAt };
    },
    revoke(session) {
      revoked.set(session.nonce, session.expiresAt);
    },
    csrfToken: (session) => mac(`csrf.${session.nonce}`),
    checkCsrf: (session, token) =>
      token !== undefined && sameSecret(mac(`csrf.${session.nonce}`), token),
    sign(session, text) {
      const body = Buffer.from(text, 'utf8').toString('base64url');
      return `${body}.${mac(`signed.${session.nonce}.${body}`)}`;
    },
    unsign(session, value) {
      const match = /^([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]{1,64})$/.exec(value ?? '');
      if (!match?.[2]) return undefined;
      const body = match[1] ?? '';
      if (!sameSecret(mac(`signed.${session.nonce}.${body}`), match[2])) return undefined;
      return Buffer.from(body, 'base64url').toString('utf8');
    },
  };
}
