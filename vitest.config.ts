import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests that import the package by name ('workos-inbox', as users do) run against the
    // sources, not a possibly stale dist/.
    alias: [
      {
        find: /^workos-inbox$/,
        replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)),
      },
      {
        find: /^workos-inbox\/web$/,
        replacement: fileURLToPath(new URL('./src/web.ts', import.meta.url)),
      },
      {
        find: /^workos-inbox\/testing$/,
        replacement: fileURLToPath(new URL('./src/testing/index.ts', import.meta.url)),
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Two cores: more workers only add contention for SQLite fsyncs and PostgreSQL.
    maxWorkers: 2,
    // Hang guards, not speed limits: no test asserts how fast the machine is, and the whole
    // suite passes with every core busy (npm run test:under-load), where a test can take
    // ten times its quiet-machine time. Waits inside tests fail on a stall, not on a clock.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    globalSetup: ['test/global-setup.ts'],
    // The type tests (expectTypeOf, @ts-expect-error) also fail vitest, not only `tsc`: vitest
    // type-checks them and reports a type error as a failed test.
    typecheck: {
      enabled: true,
      include: ['test/**/*-types.test.ts', 'test/**/*-type-parity.test.ts'],
      tsconfig: './tsconfig.json',
    },
  },
});
