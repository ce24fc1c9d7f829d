export { WorkosApiClient, userAgent } from './workos-api-client.js';
export { defaultWorkosApiUrl, workosApiSettings } from './workos-api-options.js';
export type { WorkosApiOptions } from './workos-api-options.js';
export { checkEventList, listEventsQuery } from './event-list.js';
export type { ListEventsParams, WireEvent, WireEventList } from './event-list.js';
export {
  WorkosApiAuthError,
  WorkosApiError,
  WorkosApiNotFoundError,
  WorkosApiRequestError,
  WorkosApiUnavailableError,
} from './workos-api-errors.js';
export { eventTimeMs } from './event-time.js';
