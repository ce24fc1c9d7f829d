import { createServer } from 'node:http';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a test endpoint received, as it arrived. */
export interface Received {
  body: Buffer;
  headers: IncomingMessage['headers'];
}

export interface TestEndpoint {
  url: string;
  port: number;
  received: Received[];
  /** Stop listening and cut every open connection (the endpoint "crashes"). */
  kill(): Promise<void>;
  /** Listen again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

type Answer = (req: Received, res: ServerResponse) => void;

/** A real HTTP endpoint on loopback that records each request, then answers with `answer`. */
export async function startEndpoint(answer: Answer, path = '/hook'): Promise<TestEndpoint> {
  const received: Received[] = [];
  const listener: RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { body: Buffer.concat(chunks), headers: req.headers };
      received.push(r);
      answer(r, res);
    });
  };
  return listenOn(listener, 0, path, received);
}

/** Serve an existing app (e.g. an Express app) the same way. */
export async function startApp(app: RequestListener, path: string): Promise<TestEndpoint> {
  return listenOn(app, 0, path, []);
}

async function listenOn(
  listener: RequestListener,
  port: number,
  path: string,
  received: Received[],
): Promise<TestEndpoint> {
  let server: Server = createServer(listener);
  const listen = (p: number) =>
    new Promise<number>((resolve) => {
      server.listen(p, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  const bound = await listen(port);
  const stop = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return {
    url: `http://127.0.0.1:${bound}${path}`,
    port: bound,
    received,
    kill: stop,
    async restart() {
      server = createServer(listener);
      await listen(bound);
    },
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
}

export { until } from '../../helpers/until.js';
