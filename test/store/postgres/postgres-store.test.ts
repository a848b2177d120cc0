import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { postgresFlavor } from '../../../src/store/postgres/postgres-flavor.js'
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js'
import { parseStatsQuery } from '../../../src/stats/query/stats-query.js'
import { record } from '../../helpers/records.js'
import { serverUrl, storeTables } from '../../helpers/test-databases.js'
import { describeStoreConformance } from '../store-conformance.js'

// The real PostgreSQL server; the same suite runs on embedded PGlite in postgres-store.pglite.test.ts.
const url = serverUrl('STATGRAPH_TEST_POSTGRES_URL')
const admin = url === undefined ? undefined : new pg.Pool({ connectionString: url, max: 2 })
const kysely = admin && new Kysely<unknown>({ dialect: new PostgresDialect({ pool: admin }) })

describeStoreConformance(
  'PostgreSQL',
  admin && {
    kysely: kysely as Kysely<unknown>,
    flavor: postgresFlavor,
    open: (table, options) => new PostgresStore({ database: url as string, table, ...options }),
    async countRows(table) {
      const { rows } = await admin.query(`select count(*)::int as n from "${table}"`)
      return rows[0].n
    },
    async dropTable(table) {
      for (const name of storeTables(table)) await admin.query(`drop table if exists "${name}"`)
    },
    async run(statement) {
      await admin.query(statement)
    },
    end: () => (kysely as Kysely<unknown>).destroy(),
  },
)

describe.skipIf(url === undefined)('PostgresStore on a server', () => {
  it('keeps its table in the schema it is given, on the app’s own pg.Pool, and leaves the pool open', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 2 })
    const schema = `sg_schema_${process.pid}`
    await pool.query(`create schema if not exists ${schema}`)
    try {
      const store = new PostgresStore({ database: pool, schema, table: 'hits' })
      await store.insertBatch([record(), record({ bot: true })])
      const stats = await store.stats(parseStatsQuery(new URLSearchParams('start=2026-01-15&end=2026-01-15&bot=false'), { defaultDateSpan: 7 }))
      expect(stats.hits).toBe(1)
      await store.close()
      const { rows } = await pool.query(`select count(*)::int as n, bool_or(bot) as bot from ${schema}.hits`)
      expect(rows[0]).toEqual({ n: 2, bot: true })
      const types = await pool.query(
        `select column_name, data_type from information_schema.columns where table_schema = $1 and table_name = 'hits' and column_name in ('date', 'bot')`,
        [schema],
      )
      expect(Object.fromEntries(types.rows.map((row) => [row.column_name, row.data_type]))).toEqual({
        date: 'timestamp with time zone',
        bot: 'boolean',
      })
    } finally {
      await pool.query(`drop schema ${schema} cascade`)
      await pool.end()
    }
  })

  it('upgrades a table Flask-Statgraph made without losing its rows', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 2 })
    const table = `sg_flask_${process.pid}`
    try {
      await pool.query(`create table ${table} ("index" serial primary key, response_time double precision, date timestamptz,
        method varchar, size integer, status_code integer, path varchar, user_agent varchar, remote_address varchar,
        exception varchar, referrer varchar, browser varchar, platform varchar, mimetype varchar)`)
      await pool.query(`insert into ${table} (response_time, date, method, size, status_code, path, remote_address)
        values (3.5, '2026-01-15 10:00:00+00', 'GET', 12, 200, '/old', '192.0.2.1')`)
      const store = new PostgresStore({ database: url as string, table })
      await store.insertBatch([record({ path: '/new' })])
      const stats = await store.stats(parseStatsQuery(new URLSearchParams('start=2026-01-15&end=2026-01-15'), { defaultDateSpan: 7 }))
      expect(new Map(stats.paths.map((p) => [p.key, p.count]))).toEqual(
        new Map([
          ['/old', 1],
          ['/new', 1],
        ]),
      )
      await store.close()
    } finally {
      for (const name of storeTables(table)) await pool.query(`drop table if exists ${name}`)
      await pool.end()
    }
  })

  it('fails with the server’s reason, not a hang, when the server cannot be reached', async () => {
    const store = new PostgresStore({ database: 'postgres://postgres@127.0.0.1:1/test', table: 'unreachable' })
    await expect(store.insertBatch([record()])).rejects.toThrow(/ECONNREFUSED|connect/)
    await store.close()
  })
})
