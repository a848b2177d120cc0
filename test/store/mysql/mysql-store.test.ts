import { Kysely, MysqlDialect } from 'kysely'
import mysql from 'mysql2/promise'
import { describe, expect, it } from 'vitest'
import { parseStatsQuery } from '../../../src/stats/query/stats-query.js'
import { mysqlFlavor } from '../../../src/store/mysql/mysql-flavor.js'
import { MysqlStore } from '../../../src/store/mysql/mysql-store.js'
import { record } from '../../helpers/records.js'
import { serverUrl, storeTables } from '../../helpers/test-databases.js'
import { describeStoreConformance } from '../store-conformance.js'

// The real MariaDB (or MySQL) server.
const url = serverUrl('STATGRAPH_TEST_MYSQL_URL')
const admin = url === undefined ? undefined : mysql.createPool({ uri: url, connectionLimit: 2 })
const kysely = admin && new Kysely<unknown>({ dialect: new MysqlDialect({ pool: admin.pool }) })

describeStoreConformance(
  'MySQL/MariaDB',
  admin && {
    kysely: kysely as Kysely<unknown>,
    flavor: mysqlFlavor,
    open: (table, options) => new MysqlStore({ database: url as string, table, ...options }),
    async countRows(table) {
      const [rows] = await admin.query<mysql.RowDataPacket[]>(`select count(*) as n from \`${table}\``)
      return Number(rows[0]?.n)
    },
    async dropTable(table) {
      for (const name of storeTables(table)) await admin.query(`drop table if exists \`${name}\``)
    },
    async run(statement) {
      await admin.query(statement)
    },
    end: () => (kysely as Kysely<unknown>).destroy(),
  },
)

describe.skipIf(url === undefined)('MysqlStore on a server', () => {
  it('works on the app’s own mysql2 promise pool in a session time zone far from UTC, and leaves the pool open', async () => {
    const pool = mysql.createPool({ uri: url, connectionLimit: 2, timezone: '+09:00' })
    pool.on('connection', (connection) => connection.query("set time_zone = '+09:00'"))
    const table = `sg_own_${process.pid}`
    try {
      const store = new MysqlStore({ database: pool, table })
      await store.insertBatch([record({ date: Date.UTC(2026, 0, 15, 23, 30) }), record({ date: Date.UTC(2026, 0, 16, 0, 30) })])
      const query = (search: string) => parseStatsQuery(new URLSearchParams(search), { defaultDateSpan: 7 })
      // Each row on its UTC day, whatever the session's zone.
      expect((await store.stats(query('start=2026-01-15&end=2026-01-15'))).hits).toBe(1)
      const stats = await store.stats(query('start=2026-01-15&end=2026-01-16&bucket=day'))
      expect(stats.timeseries.map((point) => point.hits)).toEqual([1, 1])
      expect(stats.paths[0]?.lastRequested).toBe('2026-01-16T00:30:00.000Z')
      await store.close()
      const [rows] = await pool.query<mysql.RowDataPacket[]>(`select count(*) as n from \`${table}\``)
      expect(Number(rows[0]?.n)).toBe(2)
    } finally {
      for (const name of storeTables(table)) await pool.query(`drop table if exists \`${name}\``)
      await pool.end()
    }
  })
})
