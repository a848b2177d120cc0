import { HOUR_MS } from './rollup-cell.js'

/** A half-open range [start, end): hours since the epoch for cells, ms for raw rows. */
export type Span = readonly [start: number, end: number]

/**
 * Where the parts of a range are read from: whole days from daily cells, whole hours from hourly
 * cells, and only what is left — parts of an hour at either edge — from raw rows.
 */
export interface RollupPlan {
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
  if (firstHour >= endHour) return { days: [], hours: [], raw: from < to ? [[from, to]] : [] }
  const raw: Span[] = []
  if (from < firstHour * HOUR_MS) raw.push([from, firstHour * HOUR_MS])
  if (endHour * HOUR_MS < to) raw.push([endHour * HOUR_MS, to])
  const firstDay = Math.ceil(firstHour / 24) * 24
  const endDay = Math.floor(endHour / 24) * 24
  if (bucket === 'hour' || firstDay >= endDay) return { days: [], hours: [[firstHour, endHour]], raw }
  const hours: Span[] = []
  if (firstHour < firstDay) hours.push([firstHour, firstDay])
  if (endDay < endHour) hours.push([endDay, endHour])
  return { days: [[firstDay, endDay]], hours, raw }
}

/**
 * `plan` with the days that have no complete daily cells yet (not in `sealed`, by first hour) read
 * from their hourly cells instead.
 */
export function withSealedDays(plan: RollupPlan, sealed: ReadonlySet<number>): RollupPlan {
  const days: Span[] = []
  const hours: Span[] = [...plan.hours]
  for (const [start, end] of plan.days) for (let day = start; day < end; day += 24) (sealed.has(day) ? days : hours).push([day, day + 24])
  return { days: joined(days), hours: joined(hours), raw: plan.raw }
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
  return { days: clipHours(plan.days), hours: clipHours(plan.hours), raw: clip(plan.raw, start, end) }
}

function clip(spans: readonly Span[], start: number, end: number): Span[] {
  return spans.flatMap(([a, b]): Span[] => {
    const lower = Math.max(a, start)
    const upper = Math.min(b, end)
    return lower < upper ? [[lower, upper]] : []
  })
}
