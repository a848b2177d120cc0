import type { RequestFacts } from '../record/request-record.js'

/** OpenTelemetry's HTTP semantic conventions' buckets for `http.server.request.duration`, seconds. */
export const DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]
/** Body sizes, bytes: powers of four from 64 B to 16 MiB. */
export const SIZE_BUCKETS: readonly number[] = [64, 256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216]

/** The methods named as they are; any other is `_OTHER` (OpenTelemetry's rule), so a scanner cannot grow the series. */
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', '_OTHER']
const KNOWN_METHODS = new Set(METHODS.slice(0, -1))
/** `method` as a label: as it is when HTTP defines it, else `_OTHER`. */
export function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : '_OTHER'
}

/** Series kept apart at most; past it, new routes count as `_OTHER`. */
const MAX_SERIES = 2000

/** One histogram's counts: per bucket (not cumulative; the last is +Inf), their sum and count. */
export interface HistogramCounts {
  buckets: Float64Array
  sum: number
  count: number
}

/** The requests of one method, route and status. */
export interface HttpSeries {
  method: string
  /** The route pattern; '' when none matched or the framework cannot tell. */
  route: string
  status: number
  duration: HistogramCounts
  responseSize: HistogramCounts
  /** Only requests that declared their body's length (Content-Length). */
  requestSize: HistogramCounts
}

const counts = (bounds: readonly number[]): HistogramCounts => ({ buckets: new Float64Array(bounds.length + 1), sum: 0, count: 0 })

function observe(histogram: HistogramCounts, bounds: readonly number[], value: number): void {
  let bucket = 0
  while (bucket < bounds.length && value > (bounds[bucket] as number)) bucket++
  histogram.buckets[bucket] = (histogram.buckets[bucket] as number) + 1
  histogram.sum += value
  histogram.count++
}

/**
 * The Prometheus histograms of every request, kept on the app's thread as it ends: two map lookups
 * and three bucket counts, no allocation once its series exists (~50 ns, `bench/metrics.ts`). Labelled by the route pattern, never
 * the literal path, so the series stay as few as the app's routes.
 */
export class HttpHistograms {
  /** By route, then by status and method: no key string built per request. */
  readonly #byRoute = new Map<string, Map<number, HttpSeries>>()
  readonly #all: HttpSeries[] = []

  observe(facts: RequestFacts): void {
    const series = this.#series(facts)
    if (facts.responseTime !== null) observe(series.duration, DURATION_BUCKETS, facts.responseTime / 1000)
    observe(series.responseSize, SIZE_BUCKETS, facts.size)
    if (facts.requestSize !== undefined) observe(series.requestSize, SIZE_BUCKETS, facts.requestSize)
  }

  /** Every series so far, in the order they first came. */
  series(): readonly HttpSeries[] {
    return this.#all
  }

  #series(facts: RequestFacts): HttpSeries {
    const method = methodLabel(facts.method)
    const slot = facts.status * METHODS.length + METHODS.indexOf(method)
    let route = facts.route ?? ''
    let statuses = this.#byRoute.get(route)
    if (statuses === undefined && this.#all.length >= MAX_SERIES) {
      route = '_OTHER'
      statuses = this.#byRoute.get(route)
    }
    if (statuses === undefined) {
      statuses = new Map()
      this.#byRoute.set(route, statuses)
    }
    let series = statuses.get(slot)
    if (series === undefined) {
      series = {
        method,
        route,
        status: facts.status,
        duration: counts(DURATION_BUCKETS),
        responseSize: counts(SIZE_BUCKETS),
        requestSize: counts(SIZE_BUCKETS),
      }
      statuses.set(slot, series)
      this.#all.push(series)
    }
    return series
  }
}
