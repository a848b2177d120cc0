import { type RawBuilder, sql } from 'kysely'
import type { RollupSource } from '../../stats/rollup/rollup-batch.js'
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
  return rows.map((row) => ({
    ...(row as unknown as RollupSource),
    index: Number(row.index),
    date: flavor.fromDate(row.date),
    response_time: nullableNumber(row.response_time as number | string | null),
    size: Number(row.size),
    status_code: Number(row.status_code),
  }))
}
