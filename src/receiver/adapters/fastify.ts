import { defaults } from '../../defaults.js';
import type { IncomingHttpHeaders } from 'node:http';
import type { Receiver } from '../create-receiver.js';
import { bodyTooLarge } from '../body.js';
import type { ReceiverResponse } from '../responses.js';

// Structural slices of Fastify's types, so `fastify` stays an optional peer dependency. Each is
// one that both Fastify 4 and 5 assign to (typed `string[]` methods or an error of no `Error`,
// Fastify 4's instance did not fit, and `app.register(inbox.fastify)` did not compile there).
type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS';
interface FastifyLikeRequest {
  method: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}
interface FastifyLikeReply {
  code(status: number): FastifyLikeReply;
  headers(values: Record<string, string>): FastifyLikeReply;
  send(payload: string): FastifyLikeReply;
}
interface FastifyLikeInstance {
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    contentType: string,
    options: { parseAs: 'buffer'; bodyLimit: number },
    parser: (req: unknown, body: Buffer, done: (err: Error | null, body?: unknown) => void) => void,
  ): void;
  setErrorHandler(
    handler: (
      error: Error & { code?: string; statusCode?: number },
      request: FastifyLikeRequest,
      reply: FastifyLikeReply,
    ) => unknown,
  ): void;
  route(options: {
    method: HttpMethod[];
    url: string;
    handler: (request: FastifyLikeRequest, reply: FastifyLikeReply) => Promise<unknown>;
  }): void;
}

export interface FastifyPluginOptions {
  /**
   * The route to answer on, relative to the register prefix.
   * @defaultValue `defaults.path.value`
   */
  path?: string;
}

/** A Fastify plugin function (`app.register(inbox.fastify, { path })`). */
export type FastifyInboxPlugin = (
  instance: FastifyLikeInstance,
  options: FastifyPluginOptions,
) => Promise<void>;

function send(reply: FastifyLikeReply, response: ReceiverResponse): FastifyLikeReply {
  return reply.code(response.status).headers(response.headers).send(response.body);
}

const methods: HttpMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

/**
 * The Fastify plugin. It is encapsulated on purpose (no `fastify-plugin`): its buffer parser for
 * every content type applies only to the webhook route, the rest of the app keeps its parsers.
 */
export function createFastifyPlugin(receiver: Receiver): FastifyInboxPlugin {
  return async (instance, options) => {
    instance.removeAllContentTypeParsers();
    instance.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: receiver.maxBodyBytes },
      (_req, body, done) => done(null, body),
    );
    instance.setErrorHandler(async (error, request, reply) => {
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413) {
        return send(
          reply,
          await receiver.handle({
            method: request.method,
            headers: request.headers,
            body: bodyTooLarge,
          }),
        );
      }
      throw error;
    });
    instance.route({
      method: methods,
      url: options.path ?? defaults.path.value,
      handler: async (request, reply) => {
        const body = request.body instanceof Uint8Array ? request.body : new Uint8Array(0);
        return send(
          reply,
          await receiver.handle({ method: request.method, headers: request.headers, body }),
        );
      },
    });
  };
}
