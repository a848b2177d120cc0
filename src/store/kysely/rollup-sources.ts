import { type RawBuilder, sql } from 'kysely'
import type { PathSource, RollupSource } from '../../stats/rollup/rollup-batch.js'
import type { RawRows } from './rollup-reader.js'
import { spanWhere } from './rows-where.js'
import type { SqlRunner } from './rollup-tables.js'
import type { SqlFlavor } from './sql-flavor.js'
import { nullableNumber } from './sql-values.js'

/**
 * The raw rows of `where` in `table`, as much of them as rollups count, with their row ids: all at
 * once, or `limit` after row `after` (a page of a rebuild).
 */
export async function rollupSources(
  db: SqlRunner,
  table: RawBuilder<unknown>,
  flavor: SqlFlavor,
  where: RawBuilder<unknown>,
  after?: number,
  limit?: number,
): Promise<(RollupSource & { index: number })[]> {
  const index = sql.ref('index')
  const { rows } = await sql<Record<string, unknown>>`
    select ${index}, ${flavor.readDate(sql.ref('date'))} as date, response_time, size, status_code, method, path, route,
      browser, platform, referrer, mimetype, exception, remote_address, instance, version
    from ${table} where ${where}
    ${after === undefined ? sql`` : sql`and ${index} > ${after} order by ${index} limit ${limit ?? 5000}`}`.execute(db)
  return rows.map((row) => Object.assign(withNumbers(flavor, row) as RollupSource, { index: Number(row.index) }))
}

/** The raw rows of `where` in `table`, as much of them as their paths' and routes' cells count. */
async function pathSources(db: SqlRunner, table: RawBuilder<unknown>, flavor: SqlFlavor, where: RawBuilder<unknown>): Promise<PathSource[]> {
  const { rows } = await sql<Record<string, unknown>>`
    select ${flavor.readDate(sql.ref('date'))} as date, response_time, size, status_code, path, route, remote_address
    from ${table} where ${where}`.execute(db)
  return rows.map((row) => withNumbers(flavor, row) as PathSource)
}

/** `row`, its date and numbers made what rollups count (drivers give some as strings): in place, as rows are many. */
function withNumbers(flavor: SqlFlavor, row: Record<string, unknown>): Record<string, unknown> {
  row.date = flavor.fromDate(row.date)
  row.response_time = nullableNumber(row.response_time as number | string | null)
  row.size = Number(row.size)
  row.status_code = Number(row.status_code)
  return row
}

/** The raw rows of `table` as a rollup answer reads them at a range's edges. */
export function rawRows(db: SqlRunner, table: RawBuilder<unknown>, flavor: SqlFlavor): RawRows {
  return {
    sources: (span) => rollupSources(db, table, flavor, spanWhere(flavor, span)),
    paths: (span) => pathSources(db, table, flavor, spanWhere(flavor, span)),
    visitors: (span) => sql`select remote_address as visitor from ${table} where ${spanWhere(flavor, span)}`,
    count: async (span) => {
      const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${table} where ${spanWhere(flavor, span)}`.execute(db)
      return Number(rows[0]?.n ?? 0)
    },
  }
}
