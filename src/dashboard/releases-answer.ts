import type { Annotation, Release } from '../stats/answer/release.js'
import { compareRoutes, type RouteChange } from '../stats/answer/release-comparison.js'
import type { StoreStats } from '../stats/answer/stats.js'
import type { DateRange } from '../stats/query/query-params.js'
import { QueryError } from '../stats/query/query-error.js'
import { utcDayOf } from '../stats/time/utc-day.js'
import type { DashboardReads } from './dashboard-reads.js'

/** A release against the one before it, over the same length of time after each was first seen. */
interface ReleaseComparison {
  version: string
  previous: string
  /** The windows compared, ISO 8601: each starts when its version was first seen and lasts as long. */
  current: { from: string; to: string }
  before: { from: string; to: string }
  routes: RouteChange[]
  /** The median p95 ratio, newer over older, of the routes with enough requests in both windows: a release that slowed every route alike. */
  typicalShift: number | null
  /** The routes that got worse beyond noise (see `WORSE_RULE`), the worst first. */
  worse: string[]
}

/** `GET {prefix}/api/releases`: every release, the notes of the range, and the comparison of a release with its previous one. */
export interface ReleasesAnswer {
  releases: Release[]
  annotations: Annotation[]
  /** Of the `version` asked for, else the latest; null when it has no release before it. */
  comparison: ReleaseComparison | null
}

/** The longest window compared: a day after each release was first seen (raw rows are read: the bound keeps it quick). */
const MAX_WINDOW_MS = 86_400_000

/** The releases answer for `range`; `version`: the release to compare (default the latest). */
export async function releasesAnswer(reads: DashboardReads, range: DateRange, version: string | undefined): Promise<ReleasesAnswer> {
  const [releases, annotations] = await Promise.all([reads.releases(), reads.annotations(range.from, range.to)])
  const index = version === undefined ? releases.length - 1 : releases.findIndex((release) => release.version === version)
  if (version !== undefined && index === -1) throw new QueryError(`no release "${version.slice(0, 64)}" was recorded`)
  const current = releases[index]
  const previous = releases[index - 1]
  if (current === undefined || previous === undefined) return { releases, annotations, comparison: null }
  const start = Date.parse(current.firstSeen)
  const length = Math.min(Date.parse(current.lastSeen) + 1 - start, MAX_WINDOW_MS)
  const before = Date.parse(previous.firstSeen)
  const [now, then] = await Promise.all([window(reads, current.version, start, length), window(reads, previous.version, before, length)])
  // Route patterns where the framework tells them, else literal paths.
  const byRoute = now.routes.some((line) => line.key !== null) || then.routes.some((line) => line.key !== null)
  const { routes, typicalShift } = byRoute ? compareRoutes(now.routes, then.routes) : compareRoutes(now.paths, then.paths)
  const span = (from: number) => ({ from: new Date(from).toISOString(), to: new Date(from + length).toISOString() })
  return {
    releases,
    annotations,
    comparison: {
      version: current.version,
      previous: previous.version,
      current: span(start),
      before: span(before),
      routes,
      typicalShift,
      worse: routes.filter((change) => change.slower || change.moreErrors).map((change) => change.route),
    },
  }
}

/** One version's requests over [from, from + length), exactly (raw rows: a version filter). */
function window(reads: DashboardReads, version: string, from: number, length: number): Promise<StoreStats> {
  const to = from + length
  const range = { start: utcDayOf(from), end: utcDayOf(to - 1), from, to }
  return reads.stats({ range, filters: { version }, top: 1000, bucket: 'day' })
}
