import { type RawBuilder, sql } from 'kysely'
import type { RowsQuery } from '../../stats/query/requests-query.js'
import type { Span } from '../../stats/rollup/rollup-plan.js'
import type { SqlFlavor } from './sql-flavor.js'

/** The raw rows of [from, to) (ms). */
export function spanWhere(flavor: SqlFlavor, [from, to]: Span): RawBuilder<unknown> {
  return sql`date >= ${flavor.toDate(from)} and date < ${flavor.toDate(to)}`
}

/** The raw rows of a query's range and filters. */
export function rowsWhere(flavor: SqlFlavor, query: RowsQuery): RawBuilder<unknown> {
  const { filters } = query
  const parts = [spanWhere(flavor, [query.range.from, query.range.to])]
  if (filters.path !== undefined) parts.push(sql`path = ${filters.path}`)
  if (filters.route !== undefined) parts.push(sql`route = ${filters.route}`)
  if (filters.method !== undefined) parts.push(sql`method = ${filters.method}`)
  if (filters.status !== undefined) parts.push(sql`status_code between ${filters.status.min} and ${filters.status.max}`)
  if (filters.browser !== undefined) parts.push(sql`browser = ${filters.browser}`)
  if (filters.platform !== undefined) parts.push(sql`platform = ${filters.platform}`)
  if (filters.referrer !== undefined) parts.push(sql`referrer = ${filters.referrer}`)
  if (filters.exception !== undefined) parts.push(sql`exception = ${filters.exception}`)
  if (filters.mimetype !== undefined) parts.push(sql`mimetype = ${filters.mimetype}`)
  if (filters.instance !== undefined) parts.push(sql`instance = ${filters.instance}`)
  if (filters.version !== undefined) parts.push(sql`version = ${filters.version}`)
  if (filters.bot !== undefined) parts.push(sql`bot = ${flavor.toBoolean(filters.bot)}`)
  return sql.join(parts, sql` and `)
}
