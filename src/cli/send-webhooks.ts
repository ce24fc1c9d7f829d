import { defaults } from '../defaults.js';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { signatureHeader } from '../signature/sign.js';

export interface SendOptions {
  url: URL;
  /** How many requests; `body(i)` is called for i = 0 … count - 1. */
  count: number;
  concurrency: number;
  body: (index: number) => string;
  /** Signed with the first secret (a rotating server accepts any of its secrets). */
  secret: string;
  /** Accept self-signed certificates (local TLS testing). */
  insecure?: boolean;
  timeoutMs?: number;
  onProgress?: (done: number) => void;
  /** Once aborted (Ctrl-C), no request starts; those in flight are answered and counted. */
  signal?: AbortSignal;
}

export interface SendSummary {
  sent: number;
  '2xx': number;
  '4xx': number;
  '5xx': number;
  /** Connection failures and timeouts (no status). */
  errors: number;
  durationMs: number;
  requestsPerSecond: number;
  /** Count per HTTP status. */
  statuses: Record<string, number>;
  /** The first non-2xx answer or connection error, to show why. */
  firstFailure?: string;
}

class StaleSocketError extends Error {}

interface Answer {
  status: number;
  body: string;
}

/** POST signed events, `concurrency` at a time over keep-alive connections, and count the answers. */
export async function sendWebhooks(options: SendOptions): Promise<SendSummary> {
  const https = options.url.protocol === 'https:';
  const agent = https
    ? new HttpsAgent({
        keepAlive: true,
        maxSockets: options.concurrency,
        rejectUnauthorized: !options.insecure,
      })
    : new HttpAgent({ keepAlive: true, maxSockets: options.concurrency });
  const summary: SendSummary = {
    sent: 0,
    '2xx': 0,
    '4xx': 0,
    '5xx': 0,
    errors: 0,
    durationMs: 0,
    requestsPerSecond: 0,
    statuses: {},
  };
  const started = performance.now();
  let next = 0;
  let done = 0;
  const timeoutMs = options.timeoutMs ?? defaults.triggerTimeoutMs.value;

  const post = (body: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const send = https ? httpsRequest : httpRequest;
      const req = send(
        options.url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'workos-signature': signatureHeader(body, options.secret),
            'user-agent': 'workos-inbox-trigger',
          },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new NoAnswerError(timeoutMs)));
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A keep-alive socket the server closed just as we reused it: send once more on a new
        // socket, as browsers and undici do. Safe even if the first one arrived: same event id.
        if (req.reusedSocket && error.code === 'ECONNRESET') reject(new StaleSocketError());
        else reject(error);
      });
      req.end(body);
    });

  const lane = async (): Promise<void> => {
    while (next < options.count && !options.signal?.aborted) {
      const index = next++;
      summary.sent++;
      try {
        const body = options.body(index);
        const answer = await post(body).catch((error: unknown) => {
          if (error instanceof StaleSocketError) return post(body);
          throw error;
        });
        const key = String(answer.status);
        summary.statuses[key] = (summary.statuses[key] ?? 0) + 1;
        if (answer.status >= 200 && answer.status < 300) summary['2xx']++;
        else {
          if (answer.status >= 400 && answer.status < 500) summary['4xx']++;
          else if (answer.status >= 500) summary['5xx']++;
          summary.firstFailure ??= `HTTP ${answer.status} ${answer.body.slice(0, 300)}`;
        }
      } catch (error) {
        summary.errors++;
        summary.firstFailure ??= describeConnectionError(
          error as NodeJS.ErrnoException,
          options.url,
        );
      }
      done++;
      options.onProgress?.(done);
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(options.concurrency, options.count)) }, lane),
    );
  } finally {
    agent.destroy();
  }
  summary.durationMs = performance.now() - started;
  summary.requestsPerSecond =
    summary.durationMs > 0 ? Math.round((summary.sent / summary.durationMs) * 1000) : 0;
  return summary;
}

/** The request went out (or the connection was made) and no answer came in time. */
class NoAnswerError extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'NoAnswerError';
  }
}

function describeConnectionError(error: NodeJS.ErrnoException, url: URL): string {
  if (error.code === 'ECONNREFUSED') {
    return `could not connect to ${url.href} (connection refused): is \`workos-inbox serve\` running there?`;
  }
  if (error.code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || error.code === 'SELF_SIGNED_CERT_IN_CHAIN') {
    return `${url.href}: self-signed certificate (pass --insecure to accept it for local testing)`;
  }
  if (error instanceof NoAnswerError) return `${url.href}: ${error.message}`;
  return [`${url.href}:`, error.code, error.message].filter(Boolean).join(' ');
}
