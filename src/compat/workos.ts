import type { Clock } from '../clock.js';
import { refuseSdkOnlyModules } from './sdk-only-modules.js';
import type { SdkOnlyModule } from './sdk-only-modules.js';
import { Webhooks } from './webhooks.js';

/**
 * The options `@workos-inc/node`'s `WorkOS` constructor takes. They are accepted so existing
 * code compiles and runs unchanged; only `clock` and `strictTimestamps` (additions) change
 * anything here.
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
  /**
   * Check webhook timestamps as the native API does (see `WebhooksOptions.strictTimestamps`)
   * instead of as the SDK does (an addition to the SDK).
   * @defaultValue false
   */
  strictTimestamps?: boolean;
}

/**
 * A stand-in for `@workos-inc/node`'s `WorkOS` that provides `.webhooks` only, so the SDK's
 * webhook code runs with just the import changed. Unlike the SDK it needs no API key or client
 * id (verification never calls the API); for the REST API, use `@workos-inc/node` itself.
 * Reading one of the SDK's API modules (`workos.userManagement` …) throws
 * `SdkModuleNotProvidedError`, and is typed `never` so TypeScript flags it first.
 */
export class WorkOS implements Readonly<Record<SdkOnlyModule, never>> {
  readonly key: string | undefined;
  readonly clientId: string | undefined;
  readonly options: WorkOSOptions;
  /** As the SDK builds it from `https`, `apiHostname` and `port`; nothing here calls it. */
  readonly baseURL: string;
  readonly webhooks: Webhooks;
  declare readonly actions: never;
  declare readonly adminPortal: never;
  declare readonly agents: never;
  declare readonly apiKeys: never;
  declare readonly auditLogs: never;
  declare readonly authorization: never;
  declare readonly connect: never;
  declare readonly directorySync: never;
  declare readonly events: never;
  declare readonly featureFlags: never;
  declare readonly groups: never;
  declare readonly multiFactorAuth: never;
  declare readonly organizationDomains: never;
  declare readonly organizations: never;
  declare readonly passwordless: never;
  declare readonly pipes: never;
  declare readonly pkce: never;
  declare readonly radar: never;
  declare readonly sso: never;
  declare readonly userManagement: never;
  declare readonly vault: never;
  declare readonly widgets: never;

  constructor(keyOrOptions?: string | WorkOSOptions, maybeOptions?: WorkOSOptions) {
    if (typeof keyOrOptions === 'object' && keyOrOptions !== null) {
      this.options = keyOrOptions;
      this.key = keyOrOptions.apiKey;
    } else {
      this.options = maybeOptions ?? {};
      this.key = keyOrOptions;
    }
    // The SDK's public fields, as it fills them (the environment, `https` defaulting to true on
    // the options object itself); unlike the SDK, neither a key nor a client id is required.
    this.key ||= process.env.WORKOS_API_KEY;
    if (this.options.https === undefined) this.options.https = true;
    this.clientId = this.options.clientId || process.env.WORKOS_CLIENT_ID;
    this.baseURL = `${this.options.https ? 'https' : 'http'}://${this.options.apiHostname || 'api.workos.com'}${this.options.port ? `:${this.options.port}` : ''}`;
    this.webhooks = new Webhooks(this, {
      clock: this.options.clock,
      strictTimestamps: this.options.strictTimestamps,
    });
  }
}

refuseSdkOnlyModules(WorkOS.prototype);
