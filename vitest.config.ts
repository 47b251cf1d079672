import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/integration/**/fixtures/**'],
    // One real PostgreSQL per test run (embedded, or DATABASE_URL), started before any test file.
    // The reliability summary (fault and fuzz suites) is printed by the second one's teardown.
    globalSetup: ['test/setup/global-setup.ts', 'test/setup/reliability-summary.ts'],
    // A zone with DST and a non-zero offset, so Date serialisation and parsing are really exercised.
    env: { TZ: 'America/New_York' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The built package runs natively, as in an app: integration fixtures link it as
    // `@neondatabase/serverless` and `pg`, and the ORMs they load (native Node modules) must see the
    // same module instances as the test (drizzle checks `instanceof Pool`, and `neonConfig` is shared).
    server: { deps: { external: [/\/dist\/[^/]+\.(c?js|mjs)$/] } },
    reporters: ['default'],
  },
});
