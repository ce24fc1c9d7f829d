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
    this.clientId = this.options.clientId;
    this.webhooks = new Webhooks(this, {
      clock: this.options.clock,
      strictTimestamps: this.options.strictTimestamps,
    });
  }
}

refuseSdkOnlyModules(WorkOS.prototype);
