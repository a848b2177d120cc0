import { RollupAnswer } from '../stats/rollup/rollup-answer.js'
import { type PathSource, RollupBatch, type RollupSource } from '../stats/rollup/rollup-batch.js'
import type { RollupCell, RollupDimension } from '../stats/rollup/rollup-cell.js'
import { HOUR_MS, KEPT_GROUPS } from '../stats/rollup/rollup-cell.js'
import { clipPlan, type RollupPlan, type Span } from '../stats/rollup/rollup-plan.js'
import type { StatsQuery } from '../stats/query/stats-query.js'
import type { StoreStats } from '../stats/answer/stats.js'
import { planAnswer } from './rollup-read-plan.js'
import { bucketStarts, nextBucket, type TimeBucket } from '../stats/time/time-bucket.js'

/**
 * What an engine's rollups must answer for {@link statsFromRollups}: the reads, each summed over
 * every writer's cells. An engine implements this in its own folder (`kysely/rollup-reader.ts`).
 */
export interface RollupCells {
  /** Counters of `dims`, few-valued groups (routes, status codes, browsers, …), summed per value. */
  sumByValue(plan: RollupPlan, dims: readonly RollupDimension[]): Promise<RollupCell[]>
  /** The `top` literal paths by hits (ties at the cut included) and the paths `also` names, summed per path. */
  topPaths(plan: RollupPlan, top: number, also: readonly string[]): Promise<RollupCell[]>
  /** Whole-traffic counters per bucket, each with its bucket's exact number of distinct visitors. */
  wholeTraffic(plan: RollupPlan): Promise<RollupCell[]>
  /** The requests the hourly whole-traffic cells of `hours` count. */
  hourlyHits(hours: Span): Promise<number>
  /** Histograms and visitor sketches of the listed values of `dim` (counters zeroed). */
  sketches(plan: RollupPlan, dim: RollupDimension, values: readonly (string | null)[]): Promise<RollupCell[]>
  /** Distinct visitors over the plan's buckets and its raw spans together. */
  countVisitors(plan: RollupPlan): Promise<number>
  /** The sealed days (by first hour) among those of `days` (hours): those with complete daily cells. */
  sealedDays(days: Span): Promise<ReadonlySet<number>>
  /** The compacted days (by first hour) among those of `days` (hours): their hours keep whole-traffic cells only. */
  compactedDays(days: Span): Promise<ReadonlySet<number>>
  /** The blocks (`grain:start`, hours) among those of `days` (hours) whose cells are complete and exact. */
  usableBlocks(days: Span): Promise<ReadonlySet<string>>
  /** The raw rows of a span (ms) at a range's edge, as rollups count them. */
  rawSources(span: Span): Promise<RollupSource[]>
  /** The raw rows of a span (ms) of a compacted day, as their paths' and routes' cells count them. */
  rawPaths(span: Span): Promise<PathSource[]>
  /** How many raw rows a span (ms) has. */
  rawCount(span: Span): Promise<number>
}

/**
 * A range's distinct visitors are counted exactly up to this many; beyond, the merged HyperLogLog
 * sketches of its cells estimate them (2.3% standard error), which keeps long ranges of busy sites
 * fast. See {@link rangeVisitors} for why the figure never falls as a range grows.
 */
const EXACT_VISITORS = 20_000

/** Raw rows at a range's edge are parts of hours: they count into hourly cells alone. */
const HOURS_ONLY = () => false

/**
 * The dashboard's unfiltered answer summed from rollups — daily and hourly cells, raw rows only for
 * the parts of an hour at the range's edges and the groups of compacted days' hours there (see
 * `DayCompactor`) — so it costs the same at any table size; percentiles
 * come from histograms (within 2.44%), per-route visitors from sketches, and so do a long range's
 * visitors once there are too many to count exactly at once.
 */
export async function statsFromRollups(cells: RollupCells, query: StatsQuery & { bucket: Exclude<TimeBucket, 'minute'> }): Promise<StoreStats> {
  const { plan, summed, paths: pathPlan, compacted, widened } = await planAnswer(cells, query)
  const wide = query.bucket === 'week' || query.bucket === 'month'
  const answer = new RollupAnswer(query)
  // The reads that need nothing of each other go out together: a server answers them on several
  // connections at once (a SQLite connection takes them in turn).
  const [byValue, byRoute, whole, sources, compactedSources, allSketches, partialPoints] = await Promise.all([
    cells.sumByValue(summed, KEPT_GROUPS),
    cells.sumByValue(pathPlan, ['route']),
    cells.wholeTraffic(plan),
    Promise.all(plan.raw.map((span) => cells.rawSources(span))),
    Promise.all(compacted.map(([start, end]) => cells.rawPaths([start * HOUR_MS, end * HOUR_MS]))),
    cells.sketches(plan, 'all', [null]),
    wide ? undefined : visitorsOfPartialPoints(cells, query, plan),
  ])
  for (const cell of [...byValue, ...byRoute]) answer.add(cell)
  // Rows the exact count of the range's visitors would go through (each bucket's own visitors).
  let visitorRows = 0
  for (const cell of whole) {
    visitorRows += cell.visitorCount
    answer.add(cell)
  }
  const edges = new RollupBatch()
  for (const source of sources.flat()) edges.add(source)
  for (const seen of edges.visitors(HOURS_ONLY)) visitorRows += seen.visitors.size
  // The compacted hours' paths and routes, summed into one cell a value (the sums over the range
  // need no hours); their other groups are in their cells, with the rest of the plan's.
  const groups = new RollupBatch()
  for (const source of compactedSources.flat()) groups.addPaths(source, 0)
  const edgeCells = [...edges.cells(HOURS_ONLY), ...groups.cells(HOURS_ONLY)]
  const edgePaths = edgeCells.flatMap((cell) => (cell.dim === 'path' && cell.key !== null ? [cell.key] : []))
  for (const cell of edgeCells) answer.add(cell)
  for (const cell of allSketches) answer.add(cell)
  // Routes, instances and versions are ranked once the few-valued groups and the edges are in.
  const listed = (dim: 'route' | 'instance' | 'version') =>
    cells.sketches(
      dim === 'route' ? pathPlan : summed,
      dim,
      answer.top(dim).map((cell) => cell.key),
    )
  const [paths, routeSketches, instanceSketches, versionSketches, total, points] = await Promise.all([
    cells.topPaths(pathPlan, query.top, edgePaths),
    listed('route'),
    listed('instance'),
    listed('version'),
    rangeVisitors(cells, plan, visitorRows, answer.visitorEstimate()),
    partialPoints ?? visitorsOfWidePoints(cells, query, plan, answer),
  ])
  for (const cell of [...paths, ...routeSketches, ...instanceSketches, ...versionSketches]) answer.add(cell)
  const stats = answer.build({ total, points })
  return widened === undefined ? stats : { ...stats, widened }
}

/**
 * The range's distinct visitors: exact while there are at most {@link EXACT_VISITORS}; beyond, the
 * sketches' estimate, never below EXACT_VISITORS + 1. So the figure never falls as a range grows:
 * exact counts grow with the range, estimates too (a merged sketch's registers only rise, and its
 * estimate with them), and every exact count is below every estimate. The exact count is skipped
 * when it cannot be at most EXACT_VISITORS: the estimate says over 25% more (ten standard errors)
 * and counting would read more than EXACT_VISITORS visitor rows (one per bucket and visitor).
 */
async function rangeVisitors(cells: RollupCells, plan: RollupPlan, visitorRows: number, estimate: number): Promise<number> {
  const exact = visitorRows <= EXACT_VISITORS || estimate <= EXACT_VISITORS * 1.25 ? await cells.countVisitors(plan) : undefined
  return exact !== undefined && exact <= EXACT_VISITORS ? exact : Math.max(estimate, EXACT_VISITORS + 1)
}

/**
 * Distinct visitors of the time-series points made of parts — the first and last at most; a point
 * that is one whole stored bucket has its count on its cell.
 */
async function visitorsOfPartialPoints(cells: RollupCells, query: StatsQuery, plan: RollupPlan): Promise<Map<number, number>> {
  const points = new Map<number, number>()
  for (const start of bucketStarts(query.range.from, query.range.to, query.bucket)) {
    const part = clipPlan(plan, start, nextBucket(start, query.bucket))
    const [span] = [...part.days, ...part.hours]
    const grain = part.days.length === 1 ? 24 : 1
    const whole = part.raw.length === 0 && part.days.length + part.hours.length === 1 && span !== undefined && span[1] - span[0] === grain
    if (!whole) points.set(start, await cells.countVisitors(part))
  }
  return points
}

/**
 * Distinct visitors of week or month points, each many stored days: counted where that reads at
 * most {@link EXACT_VISITORS} visitor rows, else left to the point's merged sketch to estimate.
 */
async function visitorsOfWidePoints(cells: RollupCells, query: StatsQuery, plan: RollupPlan, answer: RollupAnswer): Promise<Map<number, number>> {
  const counted = await Promise.all(
    bucketStarts(query.range.from, query.range.to, query.bucket).map(async (start) => {
      if (answer.visitorRows(start) > EXACT_VISITORS) return undefined
      return [start, await cells.countVisitors(clipPlan(plan, start, nextBucket(start, query.bucket)))] as const
    }),
  )
  return new Map(counted.filter((entry) => entry !== undefined))
}
