/**
 * Bounds of the project's APIs, stated once. Not settings (nothing changes them, so they are not
 * in src/defaults.ts); every check, clamp and error message reads them from here.
 */
export const limits = {
  /** The most rows one page answers: the admin API, the CLI's lists, the store's and the mirror's typed `list()`. */
  listPage: 1000,
  /** The most objects one page of the WorkOS-shaped APIs answers (the mirror's REST API, `GET /events`), as WorkOS's own. */
  workosListPage: 100,
  /** The longest `--api-timeout-ms` (`WORKOS_API_TIMEOUT_MS`) taken: ten minutes. */
  apiTimeoutMaxMs: 600_000,
} as const;
