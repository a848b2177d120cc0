import { LatencyHistogram } from '../sketch/latency-histogram.js'
import { VisitorSketch } from '../sketch/visitor-sketch.js'

/** The groups a rollup counts by: `all` is the whole traffic, `place` an exception × where it happened. */
const ROLLUP_DIMENSIONS = [
  'all',
  'path',
  'route',
  'method',
  'status',
  'browser',
  'platform',
  'referrer',
  'mimetype',
  'exception',
  'place',
  'instance',
  'version',
] as const
export type RollupDimension = (typeof ROLLUP_DIMENSIONS)[number]

/**
 * The groups with about a value per path: most of the hourly cells between them. A compacted day's
 * hours drop theirs (see `DayCompactor`) and keep the others', {@link KEPT_GROUPS}.
 */
export const COMPACTED_GROUPS: readonly RollupDimension[] = ['path', 'route']
/** The groups, but the whole traffic, whose hourly cells a compacted day keeps: a few values each. */
export const KEPT_GROUPS: readonly RollupDimension[] = ROLLUP_DIMENSIONS.filter((dim) => dim !== 'all' && !COMPACTED_GROUPS.includes(dim))

/**
 * The groups whose cells keep a latency histogram (for percentiles) and a visitor sketch (for
 * per-group visitors): the whole traffic and route patterns, a few hundred values at most. Literal
 * paths (`/users/1`, `/users/2`, …) are too many: rewriting a sketch per path per batch would cost
 * more than the raw rows, so their cells keep counters only.
 */
const HISTOGRAM_DIMENSIONS: ReadonlySet<RollupDimension> = new Set(['all', 'route', 'instance', 'version'])
const SKETCH_DIMENSIONS: ReadonlySet<RollupDimension> = new Set(['all', 'route'])

export const HOUR_MS = 3_600_000

/**
 * What one group's requests in one bucket add up to. `bucket` is the bucket's first hour (hours
 * since the epoch, UTC); `grain` its width in hours. Every field merges by adding or by taking the
 * larger value, so cells from many batches and many writers sum to the exact figures.
 */
export interface RollupCell {
  grain: number
  bucket: number
  dim: RollupDimension
  key: string | null
  hits: number
  /** Responses with status ≥ 500. */
  errors: number
  bytes: number
  /** Requests with a response time. */
  timed: number
  timeSum: number
  timeMax: number | null
  /** The latest request, ms since the epoch. */
  last: number
  /**
   * Distinct visitors of the bucket, exact — kept on whole-traffic cells of the store, counted
   * against its visitor table as batches arrive.
   */
  visitorCount: number
  histogram: LatencyHistogram | undefined
  visitors: VisitorSketch | undefined
  /** The group's folded tail: the values past the store's bound per bucket, counted together (`key` null). */
  folded?: boolean
}

/** An empty cell of `dim`, with a histogram and a sketch where that group keeps them. */
export function emptyCell(grain: number, bucket: number, dim: RollupDimension, key: string | null): RollupCell {
  return {
    grain,
    bucket,
    dim,
    key,
    hits: 0,
    errors: 0,
    bytes: 0,
    timed: 0,
    timeSum: 0,
    timeMax: null,
    last: 0,
    visitorCount: 0,
    histogram: HISTOGRAM_DIMENSIONS.has(dim) ? new LatencyHistogram() : undefined,
    visitors: SKETCH_DIMENSIONS.has(dim) ? new VisitorSketch() : undefined,
  }
}

/** Adds `from` into `into`. */
export function mergeCell(into: RollupCell, from: RollupCell): void {
  into.hits += from.hits
  into.errors += from.errors
  into.bytes += from.bytes
  into.timed += from.timed
  into.timeSum += from.timeSum
  if (from.timeMax !== null && (into.timeMax === null || from.timeMax > into.timeMax)) into.timeMax = from.timeMax
  if (from.last > into.last) into.last = from.last
  into.visitorCount += from.visitorCount
  if (from.histogram !== undefined) {
    if (into.histogram === undefined) into.histogram = new LatencyHistogram()
    into.histogram.merge(from.histogram)
  }
  if (from.visitors !== undefined) {
    if (into.visitors === undefined) into.visitors = new VisitorSketch()
    into.visitors.merge(from.visitors)
  }
}
