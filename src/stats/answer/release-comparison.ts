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
 * requests of the route. Slower: its p95 at least `ratio` times the previous one and `byMs` more (a
 * 1 ms route at 1.4 ms is noise) — after the change the release's other routes show, the median of
 * their p95 ratios where above 1: a machine busier after a deploy slows every route alike, and
 * names none. Only routes whose previous p95 was at least `byMs` tell that change: a 1 ms route at
 * 8 ms on a loaded machine would otherwise hide a route that went from 20 ms to 160. More errors:
 * the rise of its error rate passes a one-sided two-proportion z-test at `z` (3: about 1 in 700 by
 * chance), with at least `minErrors` errors.
 */
export const WORSE_RULE = { minHits: 30, ratio: 1.25, byMs: 5, z: 3, minErrors: 5 } as const

/** Every route of two releases, line by line, and the change the typical route saw. */
export interface RouteComparison {
  routes: RouteChange[]
  /**
   * The median p95 ratio (newer over older) of the routes with enough requests on both sides and a
   * previous p95 of `byMs` or more; null when none has.
   */
  typicalShift: number | null
}

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

/** Whether the p95 rose past the rule, against `shift`, the change of the other routes (1: none). */
function slower(current: RouteFigures, previous: RouteFigures, shift: number): boolean {
  const [now, before] = [current.p95ResponseTime, previous.p95ResponseTime]
  if (now === null || before === null) return false
  const expected = before * Math.max(1, shift)
  return now >= expected * WORSE_RULE.ratio && now - expected >= WORSE_RULE.byMs
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

/**
 * Every route of two releases' windows, line by line (`current` and `previous`: their routes, or
 * paths where no route is known), the worse ones first, then by hits.
 */
export function compareRoutes(current: readonly RouteStats[], previous: readonly RouteStats[]): RouteComparison {
  const before = new Map(previous.flatMap((line) => (line.key === null ? [] : [[line.key, line]])))
  const now = new Map(current.flatMap((line) => (line.key === null ? [] : [[line.key, line]])))
  const lines = [...new Set([...now.keys(), ...before.keys()])].map((route) => {
    const [a, b] = [figures(now.get(route)), figures(before.get(route))]
    const comparable = a !== null && b !== null && a.hits >= WORSE_RULE.minHits && b.hits >= WORSE_RULE.minHits
    // A route of a millisecond or two rises manyfold on any jitter: only slower ones tell the shift.
    const telling = comparable && a.p95ResponseTime !== null && b.p95ResponseTime !== null && b.p95ResponseTime >= WORSE_RULE.byMs
    const ratio = telling ? (a.p95ResponseTime as number) / (b.p95ResponseTime as number) : null
    return { route, a, b, comparable, ratio }
  })
  const ratios = lines.flatMap((line) => (line.ratio === null ? [] : [line.ratio]))
  const changes = lines.map(({ route, a, b, comparable, ratio }): RouteChange => {
    const others = ratio === null ? ratios : ratios.filter((_, i) => i !== ratios.indexOf(ratio))
    const shift = median(others) ?? 1
    return {
      route,
      current: a,
      previous: b,
      slower: comparable && a !== null && b !== null && slower(a, b, shift),
      moreErrors: comparable && a !== null && b !== null && moreErrors(a, b),
    }
  })
  const worse = (change: RouteChange) => (change.slower || change.moreErrors ? 1 : 0)
  const routes = changes.sort((x, y) => worse(y) - worse(x) || (y.current?.hits ?? 0) - (x.current?.hits ?? 0) || (x.route < y.route ? -1 : 1))
  return { routes, typicalShift: median(ratios) }
}
