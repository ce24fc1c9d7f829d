// The reads behind both the typed API and the HTTP handler: filters in, WorkOS wire objects out.
export type { WireList } from './query-helpers.js';
export * from './directory-queries.js';
export * from './organization-queries.js';
