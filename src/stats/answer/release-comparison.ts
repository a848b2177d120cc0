import type { RouteStats } from './stats.js'

/** A route's figures over one release's window. */
interface RouteFigures {
  hits: number
  errors: number
  /** Errors over hits, 0–1. */
  errorRate: number
  p95ResponseTime: number | null
}

/** One route of a release against the release before it. */
export interface RouteChange {
  /** The route pattern, else the literal path where the framework tells no route. */
  route: string
  current: RouteFigures | null
  previous: RouteFigures | null
  /** Its p95 rose beyond noise (see {@link WORSE_RULE}). */
  slower: boolean
  /** Its error rate rose beyond noise. */
  moreErrors: boolean
}

/**
 * When a route counts as worse, so that noise never names one. Both windows need `minHits`
 * requests of the route. Slower: p95 at least `ratio` times the previous one and `byMs` more (a
 * 1 ms route at 1.4 ms is noise). More errors: the rise of its error rate passes a one-sided
 * two-proportion z-test at `z` (3: about 1 in 700 by chance), with at least `minErrors` errors.
 */
export const WORSE_RULE = { minHits: 30, ratio: 1.25, byMs: 5, z: 3, minErrors: 5 } as const

function figures(line: RouteStats | undefined): RouteFigures | null {
  if (line === undefined) return null
  return { hits: line.count, errors: line.errors, errorRate: line.count === 0 ? 0 : line.errors / line.count, p95ResponseTime: line.p95ResponseTime }
}

/** Whether `current`'s error rate is above `previous`'s beyond chance (one-sided two-proportion z-test). */
function moreErrors(current: RouteFigures, previous: RouteFigures): boolean {
  if (current.errors < WORSE_RULE.minErrors || current.errorRate <= previous.errorRate) return false
  const pooled = (current.errors + previous.errors) / (current.hits + previous.hits)
  const spread = Math.sqrt(pooled * (1 - pooled) * (1 / current.hits + 1 / previous.hits))
  return spread === 0 || (current.errorRate - previous.errorRate) / spread >= WORSE_RULE.z
}

function slower(current: RouteFigures, previous: RouteFigures): boolean {
  const [now, before] = [current.p95ResponseTime, previous.p95ResponseTime]
  return now !== null && before !== null && now >= before * WORSE_RULE.ratio && now - before >= WORSE_RULE.byMs
}

/**
 * Every route of two releases' windows, line by line (`current` and `previous`: their routes, or
 * paths where no route is known), the worse ones first, then by hits.
 */
export function compareRoutes(current: readonly RouteStats[], previous: readonly RouteStats[]): RouteChange[] {
  const before = new Map(previous.flatMap((line) => (line.key === null ? [] : [[line.key, line]])))
  const now = new Map(current.flatMap((line) => (line.key === null ? [] : [[line.key, line]])))
  const changes = [...new Set([...now.keys(), ...before.keys()])].map((route): RouteChange => {
    const [a, b] = [figures(now.get(route)), figures(before.get(route))]
    const comparable = a !== null && b !== null && a.hits >= WORSE_RULE.minHits && b.hits >= WORSE_RULE.minHits
    return { route, current: a, previous: b, slower: comparable && slower(a, b), moreErrors: comparable && moreErrors(a, b) }
  })
  const worse = (change: RouteChange) => (change.slower || change.moreErrors ? 1 : 0)
  return changes.sort((x, y) => worse(y) - worse(x) || (y.current?.hits ?? 0) - (x.current?.hits ?? 0) || (x.route < y.route ? -1 : 1))
}
