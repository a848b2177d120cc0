import { parseStatsQuery, type StatsQuery } from '../../src/stats/query/stats-query.js'

/** The stats query of a dashboard URL's search part, with the default 7-day span. */
export function statsQuery(search: string): StatsQuery {
  return parseStatsQuery(new URLSearchParams(search), { defaultDateSpan: 7 })
}
