import { type Kysely, Migrator, sql } from 'kysely'
import type { RequestRecord } from '../../src/record/request-record.js'
import { RollupBatch } from '../../src/stats/rollup/rollup-batch.js'
import { keyHash } from '../../src/store/kysely/key-hash.js'
import { requestMigrations } from '../../src/store/kysely/request-migrations.js'
import type { SqlFlavor } from '../../src/store/kysely/sql-flavor.js'

const CHUNK = 200

/**
 * A table as statgraph left it before per-writer rollups (schema version 0005): `records` as raw
 * rows, and their rollups in that version's tables and layout — one row per cell, each whole-traffic
 * cell with its bucket's visitor count, one visitor row per bucket, the lock row.
 */
export async function makeVersion5Table(db: Kysely<unknown>, table: string, flavor: SqlFlavor, records: readonly RequestRecord[]): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => requestMigrations(table, flavor, undefined, async () => {}) },
    migrationTableName: `${table}_statgraph_migration`,
    migrationLockTableName: `${table}_statgraph_migration_lock`,
  })
  const { error } = await migrator.migrateTo('0005_rollups')
  if (error !== undefined) throw error
  // That version kept neither instance nor version.
  const columns = (Object.keys(records[0] as RequestRecord) as (keyof RequestRecord)[]).filter((column) => column !== 'instance' && column !== 'version')
  const value = (record: RequestRecord, column: keyof RequestRecord) =>
    column === 'date' ? flavor.toDate(record.date) : column === 'bot' ? flavor.toBoolean(record.bot) : record[column]
  const refs = sql.join(columns.map((column) => sql.ref(column)))
  await insertChunks(
    db,
    records,
    (chunk) =>
      sql`insert into ${sql.table(table)} (${refs}) values ${sql.join(chunk.map((r) => sql`(${sql.join(columns.map((column) => value(r, column)))})`))}`,
  )

  const batch = new RollupBatch()
  for (const record of records) batch.add(record)
  const visitors = batch.visitors(() => true)
  const visitorCounts = new Map(visitors.map(({ grain, bucket, visitors: seen }) => [`${grain}:${bucket}`, seen.size]))
  const cells = batch.cells(() => true).filter((cell) => cell.dim !== 'instance' && cell.dim !== 'version')
  await insertChunks(db, cells, (chunk) => {
    const rows = chunk.map((cell) => {
      const count = cell.dim === 'all' ? (visitorCounts.get(`${cell.grain}:${cell.bucket}`) ?? 0) : 0
      return sql`(${sql.join([cell.grain, cell.bucket, cell.dim, keyHash(cell.key), cell.key, cell.hits, cell.errors, cell.bytes, cell.timed, cell.timeSum, cell.timeMax, cell.last, count])})`
    })
    return sql`insert into ${sql.table(`${table}_rollup`)} (grain, bucket, dim, kh, value, hits, errors, bytes, timed, time_sum, time_max, last_at, visitor_count)
      values ${sql.join(rows)}`
  })
  const sketched = cells.filter((cell) => cell.histogram !== undefined || cell.visitors !== undefined)
  await insertChunks(db, sketched, (chunk) => {
    const rows = chunk.map(
      (cell) => sql`(${sql.join([cell.grain, cell.bucket, cell.dim, keyHash(cell.key), cell.histogram?.encode() ?? null, cell.visitors?.encode() ?? null])})`,
    )
    return sql`insert into ${sql.table(`${table}_rollup_sketch`)} (grain, bucket, dim, kh, histogram, visitors) values ${sql.join(rows)}`
  })
  const visitorRows = visitors.flatMap(({ grain, bucket, visitors: seen }) => [...seen].map((visitor) => sql`(${grain}, ${bucket}, ${visitor})`))
  await insertChunks(db, visitorRows, (chunk) => sql`insert into ${sql.table(`${table}_visitor`)} (grain, bucket, visitor) values ${sql.join(chunk)}`)
}

async function insertChunks<T>(db: Kysely<unknown>, items: readonly T[], statement: (chunk: T[]) => ReturnType<typeof sql>): Promise<void> {
  for (let i = 0; i < items.length; i += CHUNK) await statement(items.slice(i, i + CHUNK)).execute(db)
}
