// Disk: what a million requests of the dashboard bench's traffic take, rollups included — on SQLite
// (each table and index, from SQLite's dbstat, and the file) and on PostgreSQL (each table with its
// indexes and TOAST, live rows only). The traffic is the dashboard bench's (30 days, in date order), written through
// the stores' own batched writes into a fresh file and table. Each engine is measured twice: as
// written, then once every day is sealed (its daily cells summed, days summed into blocks), as a
// running store keeps it from ten minutes after it starts, then once every day is compacted, as it
// keeps a day older than two days.
// Usage: npm run bench:disk [-- --rows 1000000 --engines sqlite,postgres]
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import pg from 'pg'
import { PostgresStore, SqliteStore } from 'statgraph'
import { TRAFFIC_END, writeTraffic } from './dashboard-traffic.js'

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    engines: { type: 'string', default: 'sqlite,postgres' },
  },
})
const rows = Number(values.rows)
const postgresUrl = process.env.STATGRAPH_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const MIB = 1024 * 1024
const perMillion = (bytes: number) => ((bytes / MIB) * 1_000_000) / rows

/** The states each engine is measured in, and how a store gets from the last to the next. */
const STATES = [
  { name: 'as written', reach: (store: SqliteStore | PostgresStore) => writeTraffic(store, rows) },
  // An hour after the last day ends, as a running app's store does on its own.
  { name: 'days sealed', reach: (store: SqliteStore | PostgresStore) => store.sealDays(TRAFFIC_END + 3_600_000) },
  // A day after the store's rounds noted the days (as they ran, today: the traffic ended before),
  // every day is compacted: its hours keep no path or route cells.
  { name: 'days compacted', reach: (store: SqliteStore | PostgresStore) => store.sealDays(Date.now() + 86_400_000 + 60_000) },
]

function print(engine: string, state: string, objects: { name: string; bytes: number }[], total: number): void {
  console.log(`\n${engine}, ${state}: ${rows} requests, MiB per million requests`)
  // The empty tables and indexes (alerts, ledgers, a page or two each) in one line.
  const small = objects.filter((object) => perMillion(object.bytes) < 0.5)
  for (const { name, bytes } of objects.filter((object) => !small.includes(object)).sort((a, b) => b.bytes - a.bytes)) {
    console.log(`  ${perMillion(bytes).toFixed(1).padStart(7)}  ${name}`)
  }
  console.log(
    `  ${perMillion(small.reduce((sum, object) => sum + object.bytes, 0))
      .toFixed(1)
      .padStart(7)}  ${small.length} small tables and indexes`,
  )
  console.log(`  ${perMillion(total).toFixed(1).padStart(7)}  total`)
}

if (values.engines.includes('sqlite')) {
  const dir = mkdtempSync(join(tmpdir(), 'statgraph-disk-'))
  const file = join(dir, 'disk.db')
  for (const state of STATES) {
    const store = new SqliteStore({ database: file })
    await state.reach(store)
    await store.close()
    const db = new Database(file)
    db.pragma('wal_checkpoint(TRUNCATE)')
    const objects = db.prepare('select name, sum(pgsize) as bytes from dbstat group by name').all() as { name: string; bytes: number }[]
    db.close()
    print('SQLite', state.name, objects, statSync(file).size)
  }
  rmSync(dir, { recursive: true, force: true })
}

if (values.engines.includes('postgres')) {
  const table = `sg_bench_disk_${process.pid}`
  const pool = new pg.Pool({ connectionString: postgresUrl })
  try {
    for (const state of STATES) {
      const store = new PostgresStore({ database: postgresUrl, table })
      await state.reach(store)
      await store.close()
      // Upserts and compactions leave dead row versions that autovacuum lets later rows reuse but
      // never gives back: measured without them, as the live rows take.
      const { rows: tables } = await pool.query<{ relname: string }>(`select relname from pg_class where relkind = 'r' and relname like $1`, [`${table}%`])
      for (const { relname } of tables) await pool.query(`vacuum full ${relname}`)
      await pool.query('checkpoint')
      const { rows: objects } = await pool.query<{ name: string; bytes: string }>(
        `select relname as name, pg_total_relation_size(oid) as bytes from pg_class where relkind = 'r' and relname like $1`,
        [`${table}%`],
      )
      const sized = objects.map((object) => ({ name: object.name.replace(table, 'request'), bytes: Number(object.bytes) }))
      print(
        'PostgreSQL (tables with their indexes and TOAST, after VACUUM FULL)',
        state.name,
        sized,
        sized.reduce((sum, object) => sum + object.bytes, 0),
      )
    }
  } finally {
    for (const { relname } of (await pool.query<{ relname: string }>(`select relname from pg_class where relkind = 'r' and relname like $1`, [`${table}%`]))
      .rows) {
      await pool.query(`drop table if exists ${relname}`)
    }
    await pool.end()
  }
}
