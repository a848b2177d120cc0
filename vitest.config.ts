import { defineConfig } from 'vitest/config'

/**
 * The fast loop (`npm run test:unit`): tests of one module or one app in-process on SQLite, with no
 * database server, browser, nginx, package build or child process.
 */
const UNIT = [
  'test/stats/**/*.test.ts',
  'test/alerts/alert-loop.test.ts',
  'test/metrics/prometheus-text.test.ts',
  'test/metrics/otel-bridge.test.ts',
  'test/record/**/*.test.ts',
  'test/recorder/**/*.test.ts',
  'test/errors/**/*.test.ts',
  'test/cli/import/access-log.test.ts',
  'test/dashboard/dashboard.test.ts',
  'test/dashboard/dashboard-auth.test.ts',
  'test/dashboard/csv.test.ts',
  'test/core/statgraph-options.test.ts',
  'test/core/logger.test.ts',
  'test/core/retention.test.ts',
  'test/adapters/hono.test.ts',
  'test/adapters/placement.test.ts',
  'test/adapters/hostile-requests.test.ts',
  'test/store/sqlite/**/*.test.ts',
  'test/store/fake/**/*.test.ts',
]

export default defineConfig({
  test: {
    // better-sqlite3 is a native addon: separate processes keep each file's databases apart.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      { extends: true, test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: UNIT } },
    ],
  },
})
