import { HOUR_MS } from '../stats/rollup/rollup-cell.js'
import {
  dayParts,
  planRollupRead,
  type RollupPlan,
  type Span,
  withBlocks,
  withoutCompactedHours,
  withSealedDays,
  withSealedHours,
  withWholeDays,
  withWholeHours,
} from '../stats/rollup/rollup-plan.js'
import type { StatsQuery } from '../stats/query/stats-query.js'
import type { TimeBucket } from '../stats/time/time-bucket.js'
import type { RollupCells } from './rollup-cells.js'

/** Where each part of a range's answer is read from. */
export interface AnswerPlan {
  /** What time-series points and visitor counts read: hours and days as stored, raw rows at the edges. */
  plan: RollupPlan
  /** What sums over the whole range read: sealed days and blocks where they can. */
  summed: RollupPlan
  /** What sums of paths and routes read: {@link summed} without compacted days' hours. */
  paths: RollupPlan
  /** The hours of compacted days the sums need (hours since the epoch): their paths and routes come from raw rows. */
  compacted: Span[]
  /** The range actually answered, where raw rows it needed were gone: a little wider, said so. */
  widened?: { from: string; to: string }
}

/**
 * Plans the reading of an unfiltered answer from rollups (see `statsFromRollups`). Where raw rows an
 * edge needs are gone — pruned, or deleted with plain SQL — that edge is read from whole stored
 * buckets instead: an hour's cell for a part of an hour, a day's cells for a compacted day's hours.
 */
export async function planAnswer(cells: RollupCells, query: StatsQuery & { bucket: Exclude<TimeBucket, 'minute'> }): Promise<AnswerPlan> {
  const { range } = query
  const read = planRollupRead(range.from, range.to, query.bucket === 'hour' ? 'hour' : 'day')
  const pruned = await prunedEdges(cells, read)
  let planned = withWholeHours(read, pruned)
  const widenedTo = pruned.map(([start, end]): Span => [Math.floor(start / HOUR_MS) * HOUR_MS, Math.ceil(end / HOUR_MS) * HOUR_MS])
  const stored = [...planned.days, ...planned.hours]
  if (stored.length === 0) return { plan: planned, summed: planned, paths: planned, compacted: [], ...widened(range, widenedTo) }
  const start = Math.min(...stored.map(([first]) => first))
  const span: Span = [start, Math.max(...stored.map(([, end]) => end))]
  const [sealedDays, blocks, compactedDays] = await Promise.all([
    cells.sealedDays(span),
    cells.usableBlocks(span),
    // A range may begin inside a compacted day.
    cells.compactedDays([start - (start % 24), span[1]]),
  ])
  let answer = arrange(planned, sealedDays, blocks, compactedDays)
  const short = await shortDays(cells, answer.compacted)
  if (short.size > 0) {
    planned = withWholeDays(planned, short)
    answer = arrange(planned, new Set([...sealedDays, ...short]), blocks, compactedDays)
    for (const day of short) widenedTo.push([day * HOUR_MS, (day + 24) * HOUR_MS])
  }
  return { ...answer, ...widened(range, widenedTo) }
}

function arrange(planned: RollupPlan, sealed: ReadonlySet<number>, blocks: ReadonlySet<string>, compacted: ReadonlySet<number>): Omit<AnswerPlan, 'widened'> {
  const plan = withSealedDays(planned, sealed)
  // Sums over the whole range read sealed days and blocks of them where they can; time-series
  // points and visitor counts need the hours and days.
  const summed = withBlocks(withSealedHours(plan, sealed), blocks)
  const paths = withoutCompactedHours(summed, compacted)
  return { plan, summed, paths: paths.plan, compacted: paths.compacted }
}

/**
 * The raw spans of `plan` that are parts of an hour whose raw rows were pruned: its hourly cell
 * counts more requests than the raw rows left of it.
 */
async function prunedEdges(cells: RollupCells, plan: RollupPlan): Promise<Span[]> {
  const pruned = await Promise.all(
    plan.raw.map(async (span) => {
      const hour = Math.floor(span[0] / HOUR_MS)
      return (await shortOf(cells, [hour, hour + 1])) ? [span] : []
    }),
  )
  return pruned.flat()
}

/** The compacted days (by first hour) whose raw rows in `hours` fall short of their whole-traffic cells. */
async function shortDays(cells: RollupCells, hours: readonly Span[]): Promise<Set<number>> {
  const parts = dayParts(hours)
  const short = await Promise.all(parts.map(({ span }) => shortOf(cells, span)))
  return new Set(parts.filter((_, i) => short[i]).map(({ day }) => day))
}

/** Whether the raw rows of `hours` are fewer than their whole-traffic cells count. */
async function shortOf(cells: RollupCells, hours: Span): Promise<boolean> {
  const [counted, kept] = await Promise.all([cells.hourlyHits(hours), cells.rawCount([hours[0] * HOUR_MS, hours[1] * HOUR_MS])])
  return counted > kept
}

function widened(range: { from: number; to: number }, spans: readonly Span[]): Pick<AnswerPlan, 'widened'> {
  if (spans.length === 0) return {}
  const from = Math.min(range.from, ...spans.map(([start]) => start))
  const to = Math.max(range.to, ...spans.map(([, end]) => end))
  return { widened: { from: new Date(from).toISOString(), to: new Date(to).toISOString() } }
}
