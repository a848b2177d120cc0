import { PGlite } from '@electric-sql/pglite'
import fc from 'fast-check'
import { Kysely } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import { afterAll, describe, expect, it } from 'vitest'
import { createDashboard } from '../../src/dashboard/dashboard.js'
import { MysqlStore } from '../../src/store/mysql/mysql-store.js'
import { PostgresStore } from '../../src/store/postgres/postgres-store.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import type { Store } from '../../src/store/store.js'
import { generateRecords } from '../helpers/records.js'
import { serverUrl } from '../helpers/test-databases.js'

// Random and adversarial query strings at every API route, on every store: the answer is always 200
// or a 400 with a JSON error — never a 500, never a stack trace — and no input ever runs as SQL.
const table = `sg_fuzz_${process.pid}`
const postgresUrl = serverUrl('STATGRAPH_TEST_POSTGRES_URL')
const mysqlUrl = serverUrl('STATGRAPH_TEST_MYSQL_URL')
const stores: [string, () => Store][] = [
  ['SQLite', () => new SqliteStore({ database: ':memory:', table })],
  ['PGlite', () => new PostgresStore({ database: new Kysely({ dialect: new PGliteDialect(new PGlite()) }), table })],
  ...(postgresUrl === undefined ? [] : [['PostgreSQL', () => new PostgresStore({ database: postgresUrl, table })] as [string, () => Store]]),
  ...(mysqlUrl === undefined ? [] : [['MariaDB', () => new MysqlStore({ database: mysqlUrl, table })] as [string, () => Store]]),
]

const KEYS = [
  'start',
  'end',
  'from',
  'to',
  'path',
  'route',
  'method',
  'status',
  'browser',
  'platform',
  'referrer',
  'exception',
  'mimetype',
  'bot',
  'instance',
  'version',
  'top',
  'bucket',
  'limit',
  'offset',
  'format',
]
const NASTY = [
  "' OR '1'='1",
  "'; DROP TABLE request; --",
  '" OR 1=1 --',
  '1; SELECT pg_sleep(5)',
  '%',
  '_',
  '\\',
  '\u0000',
  '\uD800',
  '9999-12-31',
  '0000-00-00',
  '1970-01-01',
  '2026-02-29',
  '-1',
  '1e309',
  'NaN',
  '00000000000000000001',
  '5xx',
  '200',
  'xx',
  `${'9'.repeat(400)}`,
  '2026-01-01T00:00Z',
  '2026-01-01T25:00Z',
  'minute',
  'csv',
  'true',
  '../../etc/passwd',
  '<script>',
  '😀',
]
const value = fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: 'binary', maxLength: 40 }), fc.integer().map(String))
// Mostly the API's own parameters, so that many queries get past the first check.
const key = fc.oneof({ arbitrary: fc.constantFrom(...KEYS), weight: 9 }, { arbitrary: fc.string({ maxLength: 12 }), weight: 1 })
const query = fc.array(fc.tuple(key, value), { maxLength: 3 }).map((pairs) => {
  const params = new URLSearchParams()
  for (const [k, v] of pairs) params.append(k, v)
  return params.toString()
})

describe.each(stores)('the API on %s, under random and adversarial queries', (_name, open) => {
  const store = open()
  const dashboard = createDashboard({ store, prefix: '/statistics', defaultDateSpan: 7, access: 'open' })
  const records = generateRecords(200, Date.UTC(2026, 0, 10), 5, 3)
  afterAll(async () => {
    if (!(store instanceof SqliteStore)) {
      await store.prune(Date.now() + 1e12)
      await store.pruneRollups(Date.now() + 1e12)
    }
    await store.close()
  })

  it.each(['stats', 'requests'])(
    'answers /api/%s with 200 or a JSON 400, and leaves the table as it was',
    async (route) => {
      await store.prune(Date.now() + 1e12)
      await store.pruneRollups(Date.now() + 1e12)
      await store.insertBatch(records)
      const statuses = new Map<number, number>()
      await fc.assert(
        fc.asyncProperty(query, async (search) => {
          const response = await dashboard(new Request(`http://localhost/statistics/api/${route}?${search}`))
          const text = await response.text()
          expect([200, 400]).toContain(response.status)
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
          expect(text).not.toMatch(/\n\s+at /)
          if (response.headers.get('content-type')?.startsWith('text/csv')) return
          const body = JSON.parse(text) as { error?: string }
          if (response.status === 400) expect(typeof body.error).toBe('string')
        }),
        { numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
      )
      // Both answers were exercised, not only refusals.
      expect(statuses.get(200)).toBeGreaterThan(10)
      expect(statuses.get(400)).toBeGreaterThan(10)
      const stats = await dashboard(new Request('http://localhost/statistics/api/stats?start=2026-01-01&end=2026-01-31'))
      expect(((await stats.json()) as { hits: number }).hits).toBe(records.length)
    },
    120_000,
  )
})
