import { WorkosInboxError } from '../errors/workos-inbox-error.js';
/** The `WorkOS` members of `@workos-inc/node` 11.0.0 that call the REST API: not provided here. */
export const sdkOnlyModules = [
  'actions',
  'adminPortal',
  'agents',
  'apiKeys',
  'auditLogs',
  'authorization',
  'connect',
  'directorySync',
  'events',
  'featureFlags',
  'groups',
  'multiFactorAuth',
  'organizationDomains',
  'organizations',
  'passwordless',
  'pipes',
  'pkce',
  'radar',
  'sso',
  'userManagement',
  'vault',
  'widgets',
] as const;

export type SdkOnlyModule = (typeof sdkOnlyModules)[number];

/** Thrown on access to an SDK module the compat `WorkOS` does not provide. */
export class SdkModuleNotProvidedError extends WorkosInboxError {
  override readonly name = 'SdkModuleNotProvidedError';
  readonly code = 'sdk_module_not_provided';

  constructor(readonly module: SdkOnlyModule) {
    super(
      `workos-inbox's WorkOS provides only .webhooks; workos.${module} calls the WorkOS API: ` +
        `use new WorkOS() from '@workos-inc/node' for it.`,
    );
  }
}

/**
 * Makes `workos.userManagement` and the like throw a clear error instead of
 * "Cannot read properties of undefined" deep in code that shared one client for both.
 */
export function refuseSdkOnlyModules(prototype: object): void {
  for (const module of sdkOnlyModules) {
    Object.defineProperty(prototype, module, {
      configurable: true,
      enumerable: false,
      get() {
        throw new SdkModuleNotProvidedError(module);
      },
    });
  }
}
