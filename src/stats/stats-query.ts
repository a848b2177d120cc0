import { type DateRange, type QueryDefaults, QueryParams, type StatsFilters } from './query-params.js'

/** What `GET {prefix}/api/stats` asks for. */
export interface StatsQuery {
  range: DateRange
  filters: StatsFilters
  /** Longest breakdown list (routes, browsers, …) in the answer. */
  top: number
}

/**
 * The stats query in `params`, validated; throws a {@link QueryError} naming a bad parameter.
 *
 * @example parseStatsQuery(new URLSearchParams('start=2026-01-01&end=2026-01-07&status=5xx'), { defaultDateSpan: 7 })
 */
export function parseStatsQuery(params: URLSearchParams, defaults: QueryDefaults): StatsQuery {
  const reader = new QueryParams(params, ['top'])
  return { range: reader.range(defaults), filters: reader.filters(), top: reader.integer('top', 1, 1000, 100) }
}
