import { type DateRange, type QueryDefaults, QueryParams, type StatsFilters } from './query-params.js'
import { QueryError } from './query-error.js'
import { bucketCount, bucketFor, MAX_BUCKETS, TIME_BUCKETS, type TimeBucket } from '../time/time-bucket.js'

/** What `GET {prefix}/api/stats` asks for. */
export interface StatsQuery {
  range: DateRange
  filters: StatsFilters
  /** Longest breakdown list (routes, browsers, …) in the answer. */
  top: number
  /** The width of one point of the time series. */
  bucket: TimeBucket
}

/**
 * The stats query in `params`, validated; throws a {@link QueryError} naming a bad parameter.
 *
 * @example parseStatsQuery(new URLSearchParams('start=2026-01-01&end=2026-01-07&status=5xx'), { defaultDateSpan: 7 })
 */
export function parseStatsQuery(params: URLSearchParams, defaults: QueryDefaults): StatsQuery {
  const reader = new QueryParams(params, ['top', 'bucket'])
  const range = reader.range(defaults)
  const bucket = reader.text('bucket') === undefined ? bucketFor(range.from, range.to) : reader.choice('bucket', TIME_BUCKETS)
  if (bucketCount(range.from, range.to, bucket) > MAX_BUCKETS) {
    const wider = TIME_BUCKETS.slice(TIME_BUCKETS.indexOf(bucket) + 1).filter((candidate) => bucketCount(range.from, range.to, candidate) <= MAX_BUCKETS)
    throw new QueryError(`"bucket" ${bucket} would split this range into more than ${MAX_BUCKETS} points; pick a wider bucket: ${wider.join(' or ')}`)
  }
  return { range, filters: reader.filters(), top: reader.integer('top', 1, 1000, 100), bucket }
}
