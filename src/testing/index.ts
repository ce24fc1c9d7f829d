// `workos-inbox/testing`: helpers for your own tests (signed sample events).
export { signatureHeader } from '../signature/sign.js';
export { sampleEvent } from './sample-event.js';
export type { SampleEventOptions } from './sample-event.js';
export { generateTestWebhook } from './generate-test-webhook.js';
export type { TestWebhook, TestWebhookOptions } from './generate-test-webhook.js';
export type { DeepPartial } from './deep-merge.js';
export { eventNames, sdkEventNames, extraEventNames } from '../events/index.js';
export type { KnownEventName, WireEvent, WireEventByName } from '../events/index.js';
export { generateDirectoryHistory } from './directory-history.js';
export type {
  DirectoryHistory,
  DirectoryHistoryOptions,
  DirectoryHistoryFinalState,
  WireRecord,
} from './directory-history.js';
