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
  const equals = (column: string, value: string) => flavor.textEquals?.(column, value) ?? sql`${sql.ref(column)} = ${value}`
  const parts = [spanWhere(flavor, [query.range.from, query.range.to])]
  if (filters.path !== undefined) parts.push(equals('path', filters.path))
  if (filters.route !== undefined) parts.push(equals('route', filters.route))
  if (filters.method !== undefined) parts.push(equals('method', filters.method))
  if (filters.status !== undefined) parts.push(sql`status_code between ${filters.status.min} and ${filters.status.max}`)
  if (filters.browser !== undefined) parts.push(equals('browser', filters.browser))
  if (filters.platform !== undefined) parts.push(equals('platform', filters.platform))
  if (filters.referrer !== undefined) parts.push(equals('referrer', filters.referrer))
  if (filters.exception !== undefined) parts.push(equals('exception', filters.exception))
  if (filters.mimetype !== undefined) parts.push(equals('mimetype', filters.mimetype))
  if (filters.instance !== undefined) parts.push(equals('instance', filters.instance))
  if (filters.version !== undefined) parts.push(equals('version', filters.version))
  if (filters.bot !== undefined) parts.push(sql`bot = ${flavor.toBoolean(filters.bot)}`)
  return sql.join(parts, sql` and `)
}
