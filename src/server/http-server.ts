import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, STATUS_CODES } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { httpErrorBody } from '../errors/http-error-body.js';
import { defaults } from '../defaults.js';
import { ConfigError } from './config.js';

/** Why `listen` failed, for the errors that mean --host or --port cannot be used here. */
const listenProblems = new Map([
  ['ENOTFOUND', 'the host name does not resolve'],
  ['EAI_AGAIN', 'the host name could not be resolved now'],
  ['EADDRNOTAVAIL', 'no network interface of this machine has that address'],
  ['EACCES', 'this user may not listen on that port'],
]);

export interface HttpServerOptions {
  port: number;
  host: string;
  tls?: { certFile: string; keyFile: string } | undefined;
  maxHeaderBytes: number;
  requestTimeoutMs: number;
}

export interface RunningHttpServer {
  server: Server;
  /** The bound port (useful with port 0). */
  port: number;
  url: string;
  /**
   * Stop accepting, let requests in flight finish, then close. After `timeoutMs` the remaining
   * connections are cut (their requests were not answered, so WorkOS retries them).
   */
  close(timeoutMs: number): Promise<void>;
}

/**
 * The URL to show (logs, the development banner) for a server bound to `host`: a wildcard
 * address is reached on loopback, and an IPv6 address goes in brackets (`http://[::1]:3000`).
 */
export function shownUrl(host: string, port: number, tls: boolean): string {
  const shown =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `${tls ? 'https' : 'http'}://${shown}:${port}`;
}

/** Listen with the header, request-time and TLS settings; resolves once bound. */
export async function startHttpServer(
  options: HttpServerOptions,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<RunningHttpServer> {
  const common = {
    maxHeaderSize: options.maxHeaderBytes,
    requestTimeout: options.requestTimeoutMs,
    headersTimeout: Math.min(options.requestTimeoutMs, defaults.headersTimeoutMaxMs.value),
    keepAliveTimeout: defaults.keepAliveTimeoutMs.value,
  };
  let closing = false;
  // Requests still arriving on keep-alive connections during shutdown close them afterwards.
  const wrapped = (req: IncomingMessage, res: ServerResponse): void => {
    if (closing) res.setHeader('connection', 'close');
    handler(req, res);
  };
  let server: Server;
  if (options.tls) {
    const read = (file: string, what: string): Buffer => {
      try {
        return readFileSync(file);
      } catch (error) {
        throw new ConfigError(`cannot read the TLS ${what} ${file}: ${(error as Error).message}`);
      }
    };
    const cert = read(options.tls.certFile, 'certificate');
    const key = read(options.tls.keyFile, 'key');
    try {
      server = createHttpsServer({ ...common, cert, key }, wrapped);
    } catch (error) {
      throw new ConfigError(`invalid TLS certificate or key: ${(error as Error).message}`);
    }
  } else {
    server = createHttpServer(common, wrapped);
  }
  // Requests Node's parser refuses before any handler runs (headers over the limit, malformed
  // HTTP, a request too slow to arrive) get the one error body too, not Node's bare status line.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const inProgress = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || error.code === 'ECONNRESET' || inProgress?.headersSent) {
      socket.destroy();
      return;
    }
    const [status, code, message] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', 'the request headers are larger than this server accepts']
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'request_timeout', 'the request did not arrive in time']
          : [400, 'malformed_request', 'the request is not valid HTTP/1.1'];
    const body = JSON.stringify(httpErrorBody({ status, code, message }));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        error.code === 'EADDRINUSE'
          ? new ConfigError(`port ${options.port} on ${options.host} is already in use`)
          : listenProblems.has(error.code ?? '')
            ? new ConfigError(
                `cannot listen on ${options.host}:${options.port} (${error.code}: ` +
                  `${listenProblems.get(error.code ?? '')}): check --host (HOST) and --port (PORT)`,
              )
            : error,
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options.port, options.host);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: shownUrl(options.host, port, Boolean(options.tls)),
    close: (timeoutMs) =>
      new Promise<void>((resolve) => {
        closing = true;
        const timer = setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, timeoutMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        // Keep-alive connections with no request in flight would hold close() open.
        server.closeIdleConnections();
      }),
  };
}
