export { WorkOS } from './workos.js';
export type { WorkOSOptions } from './workos.js';
export { Webhooks } from './webhooks.js';
export type { WebhookVerifyOptions, WebhooksOptions } from './webhooks.js';
export type { TimestampAndSignatureHash } from './timestamp-and-signature-hash.js';
export { SdkModuleNotProvidedError, sdkOnlyModules } from './sdk-only-modules.js';
export type { SdkOnlyModule } from './sdk-only-modules.js';
