// Insert throughput per engine, writers in processes of their own as app instances are: statgraph's
// batches of 5000 (raw rows, rollups and the batch's id in one transaction) by 1, 2 and 4 writers at
// once, against the raw rows alone inserted as statgraph inserts them (the floor of any batched
// recorder), by 1 and by 4 writers too, and one committed INSERT per request (Flask-Statgraph's way), on the traffic of a site
// serving 10 million requests a month. Rounds alternate the modes; prints medians of records/s and
// their ratios, all from the same run.
// Usage: npm run bench:ingest [-- --records 60000 --naive 2000 --rounds 3 --engines sqlite,postgres,mysql]
// Server URLs: STATGRAPH_TEST_POSTGRES_URL / STATGRAPH_TEST_MYSQL_URL, else this machine's servers.
import { type ChildProcess, fork } from 'node:child_process'
import { once } from 'node:events'
import { rmSync } from 'node:fs'
import { parseArgs } from 'node:util'
import Database from 'better-sqlite3'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { mysqlUrl, postgresUrl, sqliteFile } from './ingest-engines.js'
import { median } from '../median.js'

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '60000' },
    naive: { type: 'string', default: '2000' },
    rounds: { type: 'string', default: '3' },
    engines: { type: 'string', default: 'sqlite,postgres,mysql' },
  },
})
const records = Number(values.records)
const naiveRecords = Number(values.naive)
const rounds = Number(values.rounds)
const writerScript = new URL('./ingest-writer.ts', import.meta.url).pathname

/** Every table a store on `table` makes. */
const tablesOf = (table: string) =>
  [
    '',
    '_statgraph_cell',
    '_statgraph_sketch',
    '_statgraph_visitor',
    '_statgraph_batch',
    '_statgraph_import',
    '_statgraph_migration',
    '_statgraph_migration_lock',
  ].map((suffix) => `${table}${suffix}`)

async function dropTables(engine: string, table: string): Promise<void> {
  if (engine === 'sqlite') {
    const db = new Database(sqliteFile)
    for (const name of tablesOf(table)) db.exec(`drop table if exists ${name}`)
    db.close()
  } else if (engine === 'postgres') {
    const pool = new pg.Pool({ connectionString: postgresUrl, max: 1 })
    for (const name of tablesOf(table)) await pool.query(`drop table if exists ${name}`)
    await pool.end()
  } else {
    const pool = mysql.createPool({ uri: mysqlUrl, connectionLimit: 1 })
    for (const name of tablesOf(table)) await pool.query(`drop table if exists ${name}`)
    await pool.end()
  }
}

/** Records per second of `writers` processes writing `count` records in `mode` together, ready to done. */
async function run(engine: string, mode: 'statgraph' | 'raw' | 'naive', writers: number, count: number): Promise<number> {
  const table = `sg_ingest_${mode}_${writers}`
  await dropTables(engine, table)
  const children: ChildProcess[] = Array.from({ length: writers }, (_, writer) =>
    fork(writerScript, [engine, mode, table, String(writer), String(writers), String(count)], { execArgv: ['--import', 'tsx'] }),
  )
  await Promise.all(children.map((child) => once(child, 'message')))
  const start = process.hrtime.bigint()
  for (const child of children) child.send('go')
  await Promise.all(children.map((child) => once(child, 'message')))
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)))
  await dropTables(engine, table)
  return count / seconds
}

const rate = (value: number) => value.toFixed(0).padStart(12)
const ratio = (value: number) => `${value.toFixed(2)}×`.padStart(9)
console.log(`ingest: ${records} records of a 10M-a-month site in batches of 5000, ${rounds} rounds, medians (records/s)`)
console.log(
  `engine    ${'raw 1'.padStart(12)} ${'raw 4'.padStart(12)} ${'statgraph 1'.padStart(12)} ${'statgraph 2'.padStart(12)} ${'statgraph 4'.padStart(12)} ${'naive'.padStart(12)}   ${'raw 4 / 1'.padStart(9)} ${'2 / 1'.padStart(9)} ${'4 / 1'.padStart(9)} ${'4 / raw'.padStart(9)} ${'1 / raw'.padStart(9)} ${'1 / naive'.padStart(9)}`,
)
try {
  for (const engine of values.engines.split(',')) {
    const results = { raw: [] as number[], rawFour: [] as number[], one: [] as number[], two: [] as number[], four: [] as number[], naive: [] as number[] }
    for (let round = 0; round < rounds; round++) {
      results.raw.push(await run(engine, 'raw', 1, records))
      results.rawFour.push(await run(engine, 'raw', 4, records))
      results.one.push(await run(engine, 'statgraph', 1, records))
      results.two.push(await run(engine, 'statgraph', 2, records))
      results.four.push(await run(engine, 'statgraph', 4, records))
      results.naive.push(await run(engine, 'naive', 1, naiveRecords))
    }
    const [raw, rawFour, one, two, four, naive] = [results.raw, results.rawFour, results.one, results.two, results.four, results.naive].map(
      median,
    ) as number[] as [number, number, number, number, number, number]
    console.log(
      `${engine.padEnd(9)} ${rate(raw)} ${rate(rawFour)} ${rate(one)} ${rate(two)} ${rate(four)} ${rate(naive)}   ${ratio(rawFour / raw)} ${ratio(two / one)} ${ratio(four / one)} ${ratio(four / raw)} ${ratio(one / raw)} ${ratio(one / naive)}`,
    )
    const each = (list: number[]) => list.map((x) => x.toFixed(0)).join(' ')
    console.log(
      `          per round: statgraph 4 ${each(results.four)}; 2 ${each(results.two)}; 1 ${each(results.one)}; raw 4 ${each(results.rawFour)}; 1 ${each(results.raw)}`,
    )
  }
} finally {
  rmSync(sqliteFile, { force: true })
  rmSync(`${sqliteFile}-wal`, { force: true })
  rmSync(`${sqliteFile}-shm`, { force: true })
}
