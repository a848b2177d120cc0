import type { Release } from '../stats/answer/release.js'
import type { StoreStats } from '../stats/answer/stats.js'
import { utcDayOf } from '../stats/time/utc-day.js'
import type { Store } from '../store/store.js'

/** A period's headline figures. */
export interface DigestFigures {
  hits: number
  uniqueHits: number
  errors: number
  /** Percent of requests answered ≥ 500. */
  errorRate: number
  p50ResponseTime: number | null
  p95ResponseTime: number | null
  p99ResponseTime: number | null
}

/** The digest of [from, to): its figures against the period before, and what stood out. */
export interface Digest {
  /** ISO 8601: `from` included, `to` excluded. */
  from: string
  to: string
  current: DigestFigures
  previous: DigestFigures
  /** The routes with the highest p95 (at least {@link MIN_ROUTE_HITS} requests), the slowest first. */
  slowestRoutes: { route: string; hits: number; p95ResponseTime: number }[]
  /** The routes with the most errors, the most first. */
  failingRoutes: { route: string; hits: number; errors: number; errorRate: number }[]
  /** Exception texts of the period not seen in the period before. */
  newExceptions: { text: string; count: number; where: string | null }[]
  /** Versions first seen in the period. */
  releases: Release[]
}

/** Lines each list of a digest holds. */
const LISTED = 5
const MIN_ROUTE_HITS = 10
/** Digest periods start on a Monday, 00:00 UTC (1970-01-05 was the first), when a whole number of weeks or days long. */
const FIRST_MONDAY = 4 * 86_400_000

/** The latest period of `every` ms that ended by `now`: [from, to). */
export function digestPeriod(now: number, every: number): { from: number; to: number } {
  const to = Math.floor((now - FIRST_MONDAY) / every) * every + FIRST_MONDAY
  return { from: to - every, to }
}

/** The digest of [from, to), from the same stats the dashboard's API answers. */
export async function digestOf(reads: Pick<Store, 'stats' | 'releases'>, from: number, to: number): Promise<Digest> {
  const read = (start: number, end: number) =>
    reads.stats({ range: { from: start, to: end, start: utcDayOf(start), end: utcDayOf(end - 1) }, filters: {}, top: 1000, bucket: 'day' })
  const [current, previous, releases] = await Promise.all([read(from, to), read(from - (to - from), from), reads.releases()])
  const known = new Set(previous.exceptions.map((entry) => entry.key))
  const routes = current.routes.filter((line): line is typeof line & { key: string } => line.key !== null)
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    current: figures(current),
    previous: figures(previous),
    slowestRoutes: routes
      .filter((line) => line.count >= MIN_ROUTE_HITS && line.p95ResponseTime !== null)
      .map((line) => ({ route: line.key, hits: line.count, p95ResponseTime: line.p95ResponseTime as number }))
      .sort((a, b) => b.p95ResponseTime - a.p95ResponseTime)
      .slice(0, LISTED),
    failingRoutes: routes
      .filter((line) => line.errors > 0)
      .map((line) => ({ route: line.key, hits: line.count, errors: line.errors, errorRate: percent(line.errors, line.count) }))
      .sort((a, b) => b.errors - a.errors)
      .slice(0, LISTED),
    newExceptions: current.exceptions
      .filter((entry) => !known.has(entry.key))
      .slice(0, LISTED)
      .map((entry) => ({ text: entry.key.slice(0, 500), count: entry.count, where: entry.where })),
    releases: releases.filter((release) => from <= Date.parse(release.firstSeen) && Date.parse(release.firstSeen) < to),
  }
}

function figures(stats: StoreStats): DigestFigures {
  return {
    hits: stats.hits,
    uniqueHits: stats.uniqueHits,
    errors: stats.errors,
    errorRate: percent(stats.errors, stats.hits),
    p50ResponseTime: stats.responseTime.p50,
    p95ResponseTime: stats.responseTime.p95,
    p99ResponseTime: stats.responseTime.p99,
  }
}

const percent = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((1000 * part) / whole) / 10)
