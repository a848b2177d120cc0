import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { SearchQuery } from '../../stats/query/search-query.js'
import type { BreakdownEntry } from '../../stats/answer/stats.js'
import { rowsWhere } from './rows-where.js'
import type { SqlFlavor } from './sql-flavor.js'

/**
 * The values of a column that contain a text, in the raw rows of `table` in a range: the page's
 * table search, which must find a value outside the top list it shows (rollups keep only the busiest).
 */
export async function searchValues(db: Kysely<unknown>, table: RawBuilder<unknown>, flavor: SqlFlavor, query: SearchQuery): Promise<BreakdownEntry<string>[]> {
  const column = sql.ref(query.field)
  // `!` escapes the pattern's wildcards: it means nothing special in any engine's string literals.
  const pattern = `%${query.text.toLowerCase().replace(/[!%_]/g, '!$&')}%`
  const { rows } = await sql<{ key: string; count: number | string }>`
    select ${column} as ${sql.ref('key')}, count(*) as ${sql.ref('count')} from ${table}
    where ${rowsWhere(flavor, query)} and lower(${column}) like ${pattern} escape '!'
    group by ${flavor.groupKey?.(query.field) ?? column} order by 2 desc, ${column} ${flavor.codePointOrder ?? sql``} limit ${query.limit}`.execute(db)
  return rows.map((row) => ({ key: row.key, count: Number(row.count) }))
}
