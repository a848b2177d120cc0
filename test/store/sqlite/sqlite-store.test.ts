import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { sqliteFlavor } from '../../../src/store/sqlite/sqlite-flavor.js'
import { afterEach, describe, expect, it } from 'vitest'
import { statsQuery } from '../../helpers/queries.js'
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js'
import { record } from '../../helpers/records.js'
import { tempDir } from '../../helpers/temp-dir.js'
import { storeTables } from '../../helpers/test-databases.js'
import { describeStoreConformance } from '../store-conformance.js'

const dir = tempDir()
let fileNumber = 0
const stores: SqliteStore[] = []
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()))
})

function newFile(): string {
  return join(dir, `store-${++fileNumber}.db`)
}
function openStore(database: string = newFile(), table?: string): SqliteStore {
  const store = new SqliteStore({ database, table })
  stores.push(store)
  return store
}

// One file holds every conformance table, as an app's file would.
const shared = join(dir, 'conformance.db')
const sharedKysely = new Kysely<unknown>({ dialect: new SqliteDialect({ database: async () => new Database(shared, { timeout: 5000 }) }) })
describeStoreConformance('SQLite', {
  kysely: sharedKysely,
  flavor: sqliteFlavor,
  open: (table, options) => new SqliteStore({ database: shared, table, ...options }),
  async countRows(table) {
    const db = new Database(shared)
    try {
      return (db.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n
    } finally {
      db.close()
    }
  },
  async dropTable(table) {
    const db = new Database(shared)
    // The statistics table is a view over compact rows (see compactRows).
    db.exec(`drop view if exists "${table}"`)
    for (const name of storeTables(table)) db.exec(`drop table if exists "${name}"`)
    db.close()
  },
  async run(statement) {
    const db = new Database(shared)
    db.exec(statement)
    db.close()
  },
  end: () => sharedKysely.destroy(),
})

describe('SqliteStore', () => {
  it('upgrades a table made by Flask-Statgraph (or an older statgraph) without losing its rows', async () => {
    const file = newFile()
    const db = new Database(file)
    db.exec(`create table request ("index" integer primary key autoincrement, response_time float, date datetime,
      method varchar, size integer, status_code integer, path varchar, user_agent varchar, remote_address varchar,
      exception varchar, referrer varchar, browser varchar, platform varchar, mimetype varchar)`)
    db.prepare(`insert into request (response_time, date, method, size, status_code, path, user_agent, remote_address)
      values (3.5, '2026-01-15 10:00:00.000000', 'GET', 12, 200, '/old', 'ua', '192.0.2.1')`).run()
    db.close()

    const store = openStore(file)
    await store.migrate()
    await store.insertBatch([record({ path: '/new', bot: true })])
    const stats = await store.stats(statsQuery('start=2026-01-15&end=2026-01-15'))
    expect(new Map(stats.paths.map((p) => [p.key, p.count]))).toEqual(
      new Map([
        ['/old', 1],
        ['/new', 1],
      ]),
    )
    const bots = await store.stats(statsQuery('start=2026-01-15&end=2026-01-15&bot=false'))
    expect(bots.paths.map((p) => p.key)).toEqual(['/old'])
    // Rows from before the route column have none.
    expect(stats.routes.map((r) => r.key)).toEqual([null])
  })

  it('keeps sketches apart from their key (a rowid table, a unique index), one row per key however often written', async () => {
    const file = newFile()
    const store = openStore(file)
    for (let i = 0; i < 3; i++) await store.insertBatch([record({ route: '/users/:id', remote_address: `192.0.2.${i}` })])
    await store.close()
    const db = new Database(file, { readonly: true })
    const schema = db.prepare(`select name, sql from sqlite_master where tbl_name = 'request_statgraph_sketch'`).all() as { name: string; sql: string }[]
    const keys = db
      .prepare(`select count(*) as n, count(distinct grain || ' ' || dim || ' ' || kh || ' ' || bucket || ' ' || writer) as k
      from request_statgraph_sketch`)
      .get() as { n: number; k: number }
    db.close()
    expect(schema.find((entry) => entry.name === 'request_statgraph_sketch')?.sql).not.toMatch(/without rowid/i)
    expect(schema.find((entry) => entry.name === 'request_statgraph_sketch_key')?.sql).toMatch(/create unique index/i)
    expect(keys.n).toBeGreaterThan(0)
    expect(keys.n).toBe(keys.k)
  })

  it('works on the app’s own better-sqlite3 database and Kysely instance, and leaves them open', async () => {
    const own = new Database(newFile())
    const store = new SqliteStore({ database: own })
    await store.insertBatch([record()])
    await store.close()
    expect(own.prepare('select count(*) as n from request').get()).toEqual({ n: 1 })

    const kysely = new Kysely<unknown>({ dialect: new SqliteDialect({ database: own }) })
    const viaKysely = new SqliteStore({ database: kysely, table: 'other' })
    await viaKysely.insertBatch([record(), record()])
    await viaKysely.close()
    expect(own.prepare('select count(*) as n from other').get()).toEqual({ n: 2 })
    own.close()
  })

  it('names a full disk as such when a write fails for it, not the rollback that follows', async () => {
    const own = new Database(newFile())
    const store = new SqliteStore({ database: own })
    await store.insertBatch([record()])
    // The file may not grow past its pages now: the next batch fills it, as a full disk would.
    const { page_count: pages } = own.prepare('pragma page_count').get() as { page_count: number }
    own.pragma(`max_page_count = ${pages + 2}`)
    own.pragma('cache_size = 1')
    const big = Array.from({ length: 2000 }, (_, i) => record({ path: `/${'x'.repeat(200)}/${i}`, date: Date.UTC(2026, 0, 15, 12) + i }))
    await expect(store.insertBatch(big)).rejects.toThrow(/database or disk is full/)
    await store.close()
    own.close()
  })
})
