export { WorkOS } from './workos.js';
export type { WorkOSOptions } from './workos.js';
export { Webhooks } from './webhooks.js';
export type { WebhookVerifyOptions, WebhooksOptions } from './webhooks.js';
export type { TimestampAndSignatureHash } from './timestamp-and-signature-hash.js';
