import type { Clock } from '../clock.js';
import { Webhooks } from './webhooks.js';

/**
 * The options `@workos-inc/node`'s `WorkOS` constructor takes. They are accepted so existing
 * code compiles and runs unchanged; only `clock` (an addition) changes anything here.
 */
export interface WorkOSOptions {
  apiKey?: string;
  clientId?: string;
  apiHostname?: string;
  https?: boolean;
  port?: number;
  timeout?: number;
  maxRetries?: number;
  config?: RequestInit;
  fetchFn?: typeof fetch;
  appInfo?: { name: string; version: string };
  /**
   * Where webhook verification reads the time (an addition to the SDK, for tests).
   * @defaultValue the system clock
   */
  clock?: Clock;
}

/**
 * A stand-in for `@workos-inc/node`'s `WorkOS` that provides `.webhooks` only, so the SDK's
 * webhook code runs with just the import changed. Unlike the SDK it needs no API key or client
 * id (verification never calls the API); for the REST API, use `@workos-inc/node` itself.
 */
export class WorkOS {
  readonly key: string | undefined;
  readonly clientId: string | undefined;
  readonly options: WorkOSOptions;
  readonly webhooks: Webhooks;

  constructor(keyOrOptions?: string | WorkOSOptions, maybeOptions?: WorkOSOptions) {
    if (typeof keyOrOptions === 'object' && keyOrOptions !== null) {
      this.options = keyOrOptions;
      this.key = keyOrOptions.apiKey;
    } else {
      this.options = maybeOptions ?? {};
      this.key = keyOrOptions;
    }
    this.clientId = this.options.clientId;
    this.webhooks = new Webhooks(this, { clock: this.options.clock });
  }
}
