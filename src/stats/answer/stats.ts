import type { TimeBucket } from '../time/time-bucket.js'
import type { UtcDay } from '../time/utc-day.js'

/** Response times in milliseconds; null when no request is counted. */
export interface ResponseTimeStats {
  avg: number | null
  p50: number | null
  p95: number | null
  p99: number | null
  max: number | null
}

/** One bucket of the time series (a UTC minute, hour or day). */
export interface TimeseriesPoint {
  /** Start of the bucket, ISO 8601 in UTC. */
  t: string
  hits: number
  /** Distinct client addresses within the bucket. */
  uniqueHits: number
  errors: number
  avgResponseTime: number | null
  p50ResponseTime: number | null
  p95ResponseTime: number | null
  p99ResponseTime: number | null
}

/** One entry of a breakdown: a value and how many requests had it. */
export interface BreakdownEntry<K = string | null> {
  key: K
  count: number
}

/** One path's line in the routes table. */
export interface PathStats extends BreakdownEntry<string> {
  /**
   * Distinct visitors; null for a literal path answered from rollups (which keep visitors and
   * percentiles per route pattern, not per path) — filtering by the path answers it exactly.
   */
  uniqueHits: number | null
  errors: number
  avgResponseTime: number | null
  /** Null when no request was timed, or for a literal path answered from rollups (see `uniqueHits`). */
  p95ResponseTime: number | null
  /** ISO 8601 instant of the latest request. */
  lastRequested: string
}

/** One route pattern's line in the routes table; `null` gathers requests no route matched. */
export interface RouteStats extends Omit<PathStats, 'key'> {
  key: string | null
}

/** One exception text, grouped. */
export interface ExceptionStats extends BreakdownEntry<string> {
  /** ISO 8601 instant of the latest occurrence. */
  lastSeen: string
  /** Where it happens: the route pattern (else the path) of most of its requests. */
  where: string | null
}

/** The answer of `GET {prefix}/api/stats` (DESIGN's JSON API). */
export interface Stats {
  /** UTC day of `from`. */
  start: UtcDay
  /** UTC day of the range's last instant. */
  end: UtcDay
  /** The range's instants, ISO 8601: `from` included, `to` excluded. */
  from: string
  to: string
  /** The width of one point of `timeseries`. */
  bucket: TimeBucket
  /** Every recorded request in the range (bots included unless filtered). */
  hits: number
  /** Distinct client addresses in the range. */
  uniqueHits: number
  /** Responses with status ≥ 500. */
  errors: number
  /** Body bytes sent. */
  bytes: number
  responseTime: ResponseTimeStats
  timeseries: TimeseriesPoint[]
  statusCodes: BreakdownEntry<number>[]
  methods: BreakdownEntry<string>[]
  paths: PathStats[]
  /** By route pattern (`/users/:id`), where the framework tells it. */
  routes: RouteStats[]
  browsers: BreakdownEntry[]
  platforms: BreakdownEntry[]
  referrers: BreakdownEntry[]
  mimetypes: BreakdownEntry[]
  exceptions: ExceptionStats[]
  /** By app instance (see the `instance` option); rows recorded before statgraph kept it count in `other`. */
  instances: RouteStats[]
  /** By the app's version (see the `version` option); `null` gathers requests of no known version. */
  versions: RouteStats[]
  /**
   * Requests in the groups each list leaves out (beyond its `top` entries), so that a scanner's
   * thousands of distinct paths stay one number: `paths: 0` when every path is listed.
   */
  other: Record<BreakdownName, number>
  /**
   * Set when the range starts or ends inside an hour whose raw rows were pruned: that whole hour is
   * counted, from its hourly rollup, and these are the instants counted (ISO 8601, `to` excluded).
   */
  widened?: { from: string; to: string }
}

/** The lists of a stats answer. */
export type BreakdownName =
  | 'statusCodes'
  | 'methods'
  | 'paths'
  | 'routes'
  | 'browsers'
  | 'platforms'
  | 'referrers'
  | 'mimetypes'
  | 'exceptions'
  | 'instances'
  | 'versions'

/** What a store answers: the stats without the range and bucket the dashboard echoes. */
export type StoreStats = Omit<Stats, 'start' | 'end' | 'from' | 'to' | 'bucket'>
