import { type DateRange, type QueryDefaults, QueryParams, type StatsFilters } from './query-params.js'

/** What `GET {prefix}/api/requests` asks for: raw rows, newest first. */
export interface RequestsQuery {
  range: DateRange
  filters: StatsFilters
  limit: number
  offset: number
  /** `json`: one page with the total; `csv`, `ndjson`: an export, streamed. */
  format: 'json' | 'csv' | 'ndjson'
}

/** Which raw rows: an instant range (ms, end excluded) and filters. */
export interface RowsQuery {
  range: Pick<DateRange, 'from' | 'to'>
  filters: StatsFilters
}

/** Largest page of raw rows one JSON call answers. */
const MAX_LIMIT = 1000
/** Most rows one export (CSV, NDJSON) holds (the whole view, for a spreadsheet), and its default. */
const MAX_EXPORT_LIMIT = 100_000

/** The requests query in `params`, validated; throws a {@link QueryError} naming a bad parameter. */
export function parseRequestsQuery(params: URLSearchParams, defaults: QueryDefaults): RequestsQuery {
  const reader = new QueryParams(params, ['limit', 'offset', 'format'])
  const format = reader.choice('format', ['json', 'csv', 'ndjson'] as const)
  return {
    range: reader.range(defaults),
    filters: reader.filters(),
    limit: format === 'json' ? reader.integer('limit', 1, MAX_LIMIT, 100) : reader.integer('limit', 1, MAX_EXPORT_LIMIT, MAX_EXPORT_LIMIT),
    offset: reader.integer('offset', 0, 10_000_000, 0),
    format,
  }
}
