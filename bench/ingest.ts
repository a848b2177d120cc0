// Insert throughput per engine: statgraph's batched writes — raw rows and their rollups in one
// transaction per batch of 500 (the recorder's trigger) or 5000 (what piles up at a busy app) —
// against a naive writer that commits one INSERT per request (Flask-Statgraph's way, no rollups), on
// records of a site serving 10M requests a month, same run, rounds alternated. Prints records/s and
// the ratios batched / naive.
// Usage: npm run bench:ingest [-- --records 20000 --naive 2000 --rounds 3 --engines sqlite,postgres,mysql]
// Server URLs: STATGRAPH_TEST_POSTGRES_URL / STATGRAPH_TEST_MYSQL_URL, else this machine's servers.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { MysqlStore, PostgresStore, type RequestRecord, SqliteStore, type Store } from 'statgraph'
import { pastRecords, seededRandom } from '../src/cli/demo/traffic.js'

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '20000' },
    naive: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    engines: { type: 'string', default: 'sqlite,postgres,mysql' },
  },
})
// Batches of 500 are the recorder's trigger; a busy recorder sends what piled up while it wrote, up to thousands.
const BATCHES = [500, 5000]
const postgresUrl = process.env.STATGRAPH_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const mysqlUrl = process.env.STATGRAPH_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test'

const COLUMNS = [
  'response_time', 'date', 'method', 'size', 'status_code', 'path', 'user_agent', 'remote_address',
  'exception', 'referrer', 'browser', 'platform', 'mimetype', 'bot', 'route',
] as const

/** One engine: statgraph's store on one table, and a naive one-row-per-commit insert into another of the same layout. */
interface Engine {
  store: Store
  naiveStore: Store
  insertOne(record: RequestRecord): Promise<void>
  end(): Promise<void>
}

type Value = string | number | boolean | Date | null

function rowValues(record: RequestRecord, date: Value, bot: Value): Value[] {
  return COLUMNS.map((column) => (column === 'date' ? date : column === 'bot' ? bot : record[column]))
}

const dir = mkdtempSync(join(tmpdir(), 'statgraph-ingest-'))
const engines: Record<string, () => Promise<Engine>> = {
  async sqlite() {
    const file = join(dir, 'ingest.db')
    const store = new SqliteStore({ database: file, table: 'batched' })
    const naiveStore = new SqliteStore({ database: file, table: 'naive' })
    await naiveStore.migrate()
    // The same pragmas as statgraph's own connection: the difference measured is the batching alone.
    const db = new Database(file)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    const insert = db.prepare(`insert into naive (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`)
    return {
      store,
      naiveStore,
      insertOne: async (r) => {
        insert.run(rowValues(r, `${new Date(r.date).toISOString().slice(0, 23).replace('T', ' ')}`, r.bot ? 1 : 0))
      },
      end: async () => {
        db.close()
      },
    }
  },
  async postgres() {
    const store = new PostgresStore({ database: postgresUrl, table: 'sg_bench_batched' })
    const naiveStore = new PostgresStore({ database: postgresUrl, table: 'sg_bench_naive' })
    await naiveStore.migrate()
    const pool = new pg.Pool({ connectionString: postgresUrl, max: 1 })
    const text = `insert into sg_bench_naive (${COLUMNS.join(', ')}) values (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`
    return {
      store,
      naiveStore,
      insertOne: async (r) => {
        await pool.query(text, rowValues(r, new Date(r.date), r.bot))
      },
      end: () => pool.end(),
    }
  },
  async mysql() {
    const store = new MysqlStore({ database: mysqlUrl, table: 'sg_bench_batched' })
    const naiveStore = new MysqlStore({ database: mysqlUrl, table: 'sg_bench_naive' })
    await naiveStore.migrate()
    const pool = mysql.createPool({ uri: mysqlUrl, connectionLimit: 1 })
    const text = `insert into sg_bench_naive (${COLUMNS.map((c) => `\`${c}\``).join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`
    return {
      store,
      naiveStore,
      insertOne: async (r) => {
        await pool.execute(text, rowValues(r, new Date(r.date).toISOString().slice(0, 23).replace('T', ' '), r.bot ? 1 : 0))
      },
      end: () => pool.end(),
    }
  },
}

/** `count` records of a site serving 10 million requests a month, in date order, as an app sends them. */
function records(count: number, seed: number): RequestRecord[] {
  const now = Date.now()
  return pastRecords(count, now - (count / 10_000_000) * 30 * 86_400_000, now, seededRandom(seed))
}

async function timed(run: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint()
  await run()
  return Number(process.hrtime.bigint() - start) / 1e9
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
const batchedCount = Number(values.records)
const naiveCount = Number(values.naive)
const rounds = Number(values.rounds)
console.log(`ingest: ${batchedCount} records batched (raw rows + rollups) by ${BATCHES.join(' and by ')} vs ${naiveCount} one per commit (raw rows only), ${rounds} rounds, medians`)
console.log(`engine     ${BATCHES.map((size) => `by ${size} rec/s`.padStart(15)).join(' ')}   naive rec/s   ${BATCHES.map((size) => `${size}/naive`.padStart(11)).join(' ')}`)
try {
  for (const name of values.engines.split(',')) {
    const open = engines[name]
    if (open === undefined) throw new Error(`unknown engine ${name}; pick from ${Object.keys(engines).join(', ')}`)
    const engine = await open()
    const batchedRates = BATCHES.map((): number[] => [])
    const naiveRates: number[] = []
    for (let round = 0; round < rounds; round++) {
      for (const [b, size] of BATCHES.entries()) {
        const batch = records(batchedCount, round * 10 + b + 1)
        const seconds = await timed(async () => {
          for (let i = 0; i < batch.length; i += size) await engine.store.insertBatch(batch.slice(i, i + size))
        })
        batchedRates[b]?.push(batchedCount / seconds)
      }
      const single = records(naiveCount, round + 101)
      const naiveSeconds = await timed(async () => {
        for (const record of single) await engine.insertOne(record)
      })
      naiveRates.push(naiveCount / naiveSeconds)
    }
    const batched = batchedRates.map(median)
    const naive = median(naiveRates)
    console.log(
      `${name.padEnd(10)} ${batched.map((rate) => rate.toFixed(0).padStart(15)).join(' ')} ${naive.toFixed(0).padStart(13)}   ${batched.map((rate) => `${(rate / naive).toFixed(1)}×`.padStart(11)).join(' ')}`,
    )
    // Leave the tables empty for the next run.
    for (const store of [engine.store, engine.naiveStore]) {
      await store.prune(Date.now() + 86_400_000)
      await store.pruneRollups(Date.now() + 86_400_000)
    }
    await engine.end()
    await Promise.all([engine.store.close(), engine.naiveStore.close()])
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
