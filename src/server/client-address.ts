import type { IncomingMessage } from 'node:http';

/**
 * The sender's address. Behind a trusted proxy, the right-most X-Forwarded-For entry: the one
 * our proxy appended. Left-most entries are whatever the client chose to send, so trusting them
 * would let anyone pass an IP allow list.
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    const value = Array.isArray(forwarded) ? forwarded.join(',') : forwarded;
    const last = value
      ?.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .pop();
    if (last) return normalizeAddress(last);
  }
  return normalizeAddress(req.socket.remoteAddress ?? '');
}

/** `::ffff:1.2.3.4` (an IPv4 client on a dual-stack socket) is the same sender as `1.2.3.4`. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** Whether the request arrived over HTTPS (natively, or at a trusted proxy that says so). */
export function isSecureRequest(req: IncomingMessage, trustProxy: boolean): boolean {
  if ((req.socket as { encrypted?: boolean }).encrypted === true) return true;
  if (!trustProxy) return false;
  const proto = req.headers['x-forwarded-proto'];
  const value = Array.isArray(proto) ? proto[0] : proto;
  return value?.split(',')[0]?.trim().toLowerCase() === 'https';
}
