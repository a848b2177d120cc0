import { HOUR_MS } from './rollup-cell.js'

/** A half-open range [start, end): hours since the epoch for cells, ms for raw rows. */
export type Span = readonly [start: number, end: number]

/** Hours in a week: the grain of weekly cells, whose buckets start where the epoch's did (Thursday, 00:00 UTC). */
export const WEEK_HOURS = 168

/**
 * Where the parts of a range are read from: whole weeks from weekly cells (for breakdowns only:
 * see {@link withWeeks}), whole days from daily cells, whole hours from hourly cells, and only
 * what is left — parts of an hour at either edge — from raw rows.
 */
export interface RollupPlan {
  weeks: Span[]
  days: Span[]
  hours: Span[]
  raw: Span[]
}

/**
 * The cheapest reading of [from, to) (ms) for a time series of `bucket` points: daily cells only
 * serve day points, since they cannot be split into hours.
 */
export function planRollupRead(from: number, to: number, bucket: 'hour' | 'day'): RollupPlan {
  const firstHour = Math.ceil(from / HOUR_MS)
  const endHour = Math.floor(to / HOUR_MS)
  if (firstHour >= endHour) return { weeks: [], days: [], hours: [], raw: from < to ? [[from, to]] : [] }
  const raw: Span[] = []
  if (from < firstHour * HOUR_MS) raw.push([from, firstHour * HOUR_MS])
  if (endHour * HOUR_MS < to) raw.push([endHour * HOUR_MS, to])
  const firstDay = Math.ceil(firstHour / 24) * 24
  const endDay = Math.floor(endHour / 24) * 24
  if (bucket === 'hour' || firstDay >= endDay) return { weeks: [], days: [], hours: [[firstHour, endHour]], raw }
  const hours: Span[] = []
  if (firstHour < firstDay) hours.push([firstHour, firstDay])
  if (endDay < endHour) hours.push([endDay, endHour])
  return { weeks: [], days: [[firstDay, endDay]], hours, raw }
}

/**
 * `plan` with the days that have no complete daily cells yet (not in `sealed`, by first hour) read
 * from their hourly cells instead.
 */
export function withSealedDays(plan: RollupPlan, sealed: ReadonlySet<number>): RollupPlan {
  const days: Span[] = []
  const hours: Span[] = [...plan.hours]
  for (const [start, end] of plan.days) for (let day = start; day < end; day += 24) (sealed.has(day) ? days : hours).push([day, day + 24])
  return { weeks: plan.weeks, days: joined(days), hours: joined(hours), raw: plan.raw }
}

/**
 * `plan` with the whole weeks of its days that are in `usable` (by first hour) read from weekly
 * cells. Only for what is summed over the whole range: a time-series point is a day at most.
 */
export function withWeeks(plan: RollupPlan, usable: ReadonlySet<number>): RollupPlan {
  const weeks: Span[] = [...plan.weeks]
  const days: Span[] = []
  for (const [start, end] of plan.days) {
    let from = start
    for (let week = Math.ceil(start / WEEK_HOURS) * WEEK_HOURS; week + WEEK_HOURS <= end; week += WEEK_HOURS) {
      if (!usable.has(week)) continue
      if (from < week) days.push([from, week])
      weeks.push([week, week + WEEK_HOURS])
      from = week + WEEK_HOURS
    }
    if (from < end) days.push([from, end])
  }
  return { weeks: joined(weeks), days, hours: plan.hours, raw: plan.raw }
}

/** Spans in order, neighbours joined into one. */
function joined(spans: Span[]): Span[] {
  const sorted = spans.toSorted((a, b) => a[0] - b[0])
  const out: [number, number][] = []
  for (const [start, end] of sorted) {
    const last = out.at(-1)
    if (last !== undefined && last[1] === start) last[1] = end
    else out.push([start, end])
  }
  return out
}

/** The parts of `plan` inside [start, end) ms — one point of the time series. */
export function clipPlan(plan: RollupPlan, start: number, end: number): RollupPlan {
  const clipHours = (spans: Span[]) => clip(spans, start / HOUR_MS, end / HOUR_MS)
  return { weeks: clipHours(plan.weeks), days: clipHours(plan.days), hours: clipHours(plan.hours), raw: clip(plan.raw, start, end) }
}

function clip(spans: readonly Span[], start: number, end: number): Span[] {
  return spans.flatMap(([a, b]): Span[] => {
    const lower = Math.max(a, start)
    const upper = Math.min(b, end)
    return lower < upper ? [[lower, upper]] : []
  })
}
