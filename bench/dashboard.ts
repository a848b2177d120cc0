// Dashboard: the full /api/stats answer (no filters, the page's first call) for the last 7 and 30
// days, read from rollups (store.stats) against the same answer computed from raw rows with plain
// SQL (store.statsFromRaw, exact window-function percentiles and count distinct), same store, same
// run. Prints the median time of each and the ratio raw / rollups.
// The tables are filled once by the traffic generator (30 days, in date order, through the store's
// own batched writes, so the load rate is the ingest rate with rollups) and kept for the next run:
// SQLite files in bench/.data/, PostgreSQL tables sg_bench_dash_<rows>.
// Usage: npm run bench:dashboard [-- --rows 1000000,10000000 --engines sqlite,postgres --repeat 7 --raw-repeat 1]
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { PostgresStore, SqliteStore } from 'statgraph'
import { TRAFFIC_END, writeTraffic } from './dashboard-traffic.js'
import { parseStatsQuery } from '../src/stats/query/stats-query.js'
import { parseRequestsQuery } from '../src/stats/query/requests-query.js'

type KyselyStore = SqliteStore | PostgresStore

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000,10000000' },
    engines: { type: 'string', default: 'sqlite,postgres' },
    repeat: { type: 'string', default: '7' },
    'raw-repeat': { type: 'string', default: '1' },
  },
})
const postgresUrl = process.env.STATGRAPH_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const dataDir = join(import.meta.dirname, '.data')
const END = TRAFFIC_END
const DAY = 86_400_000

const engines: Record<string, (rows: number) => KyselyStore> = {
  sqlite(rows) {
    mkdirSync(dataDir, { recursive: true })
    return new SqliteStore({ database: join(dataDir, `dashboard-${rows}.db`) })
  },
  postgres: (rows) => new PostgresStore({ database: postgresUrl, table: `sg_bench_dash_${rows}` }),
}

/** Whether the table holds the generated rows already (a run that stopped halfway left fewer). */
async function filled(store: KyselyStore, rows: number): Promise<boolean> {
  return (
    (await store.exists()) &&
    (await store.requests(parseRequestsQuery(new URLSearchParams({ start: isoDay(END - 60 * DAY), end: isoDay(END), limit: '1' }), { defaultDateSpan: 1 })))
      .total === rows
  )
}

async function fill(store: KyselyStore, rows: number): Promise<number> {
  await store.prune(END + DAY)
  await store.pruneRollups(END + DAY)
  const started = performance.now()
  await writeTraffic(store, rows)
  return rows / ((performance.now() - started) / 1000)
}

/** The median time of `times` runs, and the last run's answer. */
async function medianMs<T>(times: number, run: () => Promise<T>): Promise<{ ms: number; answer: T }> {
  const samples: number[] = []
  let answer: T | undefined
  for (let i = 0; i < times; i++) {
    const started = performance.now()
    answer = await run()
    samples.push(performance.now() - started)
  }
  return { ms: samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)] as number, answer: answer as T }
}

const repeat = Number(values.repeat)
const rawRepeat = Number(values['raw-repeat'])
console.log(`dashboard: /api/stats from rollups (median of ${repeat}) vs from raw rows (median of ${rawRepeat}), same store, same run`)
console.log('engine     rows        range   rollups ms   raw ms      raw/rollups')
for (const engine of values.engines.split(',')) {
  for (const rows of values.rows.split(',').map(Number)) {
    const store = (engines[engine] as (rows: number) => KyselyStore)(rows)
    try {
      if (!(await filled(store, rows)))
        console.log(`  ${engine} ${rows}: filled at ${Math.round(await fill(store, rows))} records/s (batches of 20 000, rollups included)`)
      // As a running app's stores do in the background: days sealed an hour after they end, then
      // blocks of days summed (nothing left to do on a table kept from an earlier run).
      await store.sealDays(END + 2 * 3_600_000)
      // Rollups first, both ranges, so that neither the raw queries' garbage nor the pages they read
      // (gigabytes, through the connection's cache) are in their way; one warm-up run each.
      const ranges = [7, 30].map((days) => ({
        days,
        query: parseStatsQuery(new URLSearchParams({ start: isoDay(END - days * DAY), end: isoDay(END - DAY) }), { defaultDateSpan: days }),
      }))
      const timed = []
      for (const { days, query } of ranges) {
        await store.stats(query)
        timed.push({ days, query, ...(await medianMs(repeat, () => store.stats(query))) })
      }
      for (const { days, query, ms: rollupMs, answer: fast } of timed) {
        const { ms: rawMs, answer: exact } = await medianMs(rawRepeat, () => store.statsFromRaw(query))
        if (fast.hits !== exact.hits || fast.paths[0]?.count !== exact.paths[0]?.count) throw new Error(`rollups and raw rows disagree on ${engine} ${rows}`)
        console.log(
          `${engine.padEnd(10)} ${String(rows).padEnd(11)} ${`${days}d`.padEnd(7)} ${rollupMs.toFixed(1).padStart(10)}   ${rawMs.toFixed(0).padStart(8)}    ${(rawMs / rollupMs).toFixed(0).padStart(8)}×`,
        )
      }
    } finally {
      await store.close()
    }
  }
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}
