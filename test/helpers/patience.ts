/**
 * How long a test waits for a condition (a process to start, a queue to drain, a message to
 * arrive) before it fails. A wait ends as soon as its condition holds, so a long limit costs
 * nothing on a quiet machine; it only keeps a suite green on a loaded one, where a step can take
 * ten times its usual time. It stays under vitest's 300 s hang guard (vitest.config.ts) so that
 * a wait that never ends fails with its own message. One value for every wait in the suite.
 */
export const patienceMs = 240_000;
