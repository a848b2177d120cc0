import { HOUR_MS } from './rollup-cell.js'

/** A half-open range [start, end): hours since the epoch for cells, ms for raw rows. */
export type Span = readonly [start: number, end: number]

/**
 * The grains (hours) of block cells: runs of 2, 4, 8 … 512 days, each starting on a multiple of its
 * length in days since the epoch, so that any run of days is a few blocks and a few days.
 */
export const BLOCK_GRAINS: readonly number[] = Array.from({ length: 9 }, (_, level) => 24 * 2 ** (level + 1))

/** A block cell's place: its grain and first hour. */
type Block = readonly [grain: number, start: number]

/**
 * Where the parts of a range are read from: blocks of whole days from block cells (for sums over
 * the range only: see {@link withBlocks}), whole days from daily cells, whole hours from hourly
 * cells, and only what is left — parts of an hour at either edge — from raw rows.
 */
export interface RollupPlan {
  blocks: Block[]
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
  if (firstHour >= endHour) return { blocks: [], days: [], hours: [], raw: from < to ? [[from, to]] : [] }
  const raw: Span[] = []
  if (from < firstHour * HOUR_MS) raw.push([from, firstHour * HOUR_MS])
  if (endHour * HOUR_MS < to) raw.push([endHour * HOUR_MS, to])
  const firstDay = Math.ceil(firstHour / 24) * 24
  const endDay = Math.floor(endHour / 24) * 24
  if (bucket === 'hour' || firstDay >= endDay) return { blocks: [], days: [], hours: [[firstHour, endHour]], raw }
  const hours: Span[] = []
  if (firstHour < firstDay) hours.push([firstHour, firstDay])
  if (endDay < endHour) hours.push([endDay, endHour])
  return { blocks: [], days: [[firstDay, endDay]], hours, raw }
}

/**
 * `plan` with the days that have no complete daily cells yet (not in `sealed`, by first hour) read
 * from their hourly cells instead.
 */
export function withSealedDays(plan: RollupPlan, sealed: ReadonlySet<number>): RollupPlan {
  const days: Span[] = []
  const hours: Span[] = [...plan.hours]
  for (const [start, end] of plan.days) for (let day = start; day < end; day += 24) (sealed.has(day) ? days : hours).push([day, day + 24])
  return { blocks: plan.blocks, days: joined(days), hours: joined(hours), raw: plan.raw }
}

/**
 * `plan` with the whole sealed days (by first hour) inside its hours read from their daily cells:
 * for sums over the range only, since a time-series point of an hour needs its hour. A range of a
 * day or two in hourly points then sums one cell per value and day rather than twenty-four.
 */
export function withSealedHours(plan: RollupPlan, sealed: ReadonlySet<number>): RollupPlan {
  const days: Span[] = [...plan.days]
  const hours: Span[] = []
  for (const [start, end] of plan.hours) {
    let from = start
    for (let day = Math.ceil(start / 24) * 24; day + 24 <= end; day += 24) {
      if (!sealed.has(day)) continue
      if (from < day) hours.push([from, day])
      days.push([day, day + 24])
      from = day + 24
    }
    if (from < end) hours.push([from, end])
  }
  return { blocks: plan.blocks, days: joined(days), hours: joined(hours), raw: plan.raw }
}

/**
 * `plan` with its days read, where they can be, from the fewest `usable` blocks (`grain:start`):
 * the largest that fits at each day, smaller ones where a larger is not usable. Only for what is
 * summed over the whole range: a time-series point is a day at most.
 */
export function withBlocks(plan: RollupPlan, usable: ReadonlySet<string>): RollupPlan {
  const blocks: Block[] = [...plan.blocks]
  const days: Span[] = []
  for (const [start, end] of plan.days) {
    let day = start
    while (day < end) {
      const grain = BLOCK_GRAINS.findLast((width) => day % width === 0 && day + width <= end && usable.has(`${width}:${day}`))
      if (grain === undefined) {
        days.push([day, day + 24])
        day += 24
      } else {
        blocks.push([grain, day])
        day += grain
      }
    }
  }
  return { blocks, days: joined(days), hours: plan.hours, raw: plan.raw }
}

/** `plan` with its raw spans in `whole` (ms) read as the whole hours they are parts of. */
export function withWholeHours(plan: RollupPlan, whole: readonly Span[]): RollupPlan {
  const widened = new Set(whole)
  const hours: Span[] = [...plan.hours]
  for (const span of whole) {
    const hour = Math.floor(span[0] / HOUR_MS)
    hours.push([hour, hour + 1])
  }
  return { blocks: plan.blocks, days: plan.days, hours: joined(hours), raw: plan.raw.filter((span) => !widened.has(span)) }
}

/**
 * `plan` with its hours in `compacted` days (by first hour) taken out, and those hours: a compacted
 * day's hours keep no path or route cells, so the sums over a range read those from raw rows.
 */
export function withoutCompactedHours(plan: RollupPlan, compacted: ReadonlySet<number>): { plan: RollupPlan; compacted: Span[] } {
  const hours: Span[] = []
  const taken: Span[] = []
  for (const { day, span } of dayParts(plan.hours)) (compacted.has(day) ? taken : hours).push(span)
  return { plan: { blocks: plan.blocks, days: plan.days, hours: joined(hours), raw: plan.raw }, compacted: joined(taken) }
}

/** `plan` with `days` (by first hour) read whole from their hours, in place of what it had of them (raw parts included). */
export function withWholeDays(plan: RollupPlan, days: ReadonlySet<number>): RollupPlan {
  const hours: Span[] = [...days].map((day): Span => [day, day + 24])
  for (const { day, span } of dayParts(plan.hours)) if (!days.has(day)) hours.push(span)
  const dayOf = (ms: number) => Math.floor(ms / HOUR_MS / 24) * 24
  return { blocks: plan.blocks, days: plan.days, hours: joined(hours), raw: plan.raw.filter(([start]) => !days.has(dayOf(start))) }
}

/** Spans of hours cut at the ends of days, each part with its day (by first hour). */
export function dayParts(spans: readonly Span[]): { day: number; span: Span }[] {
  const parts: { day: number; span: Span }[] = []
  for (const [start, end] of spans) {
    for (let from = start; from < end; ) {
      const day = from - (from % 24)
      const to = Math.min(end, day + 24)
      parts.push({ day, span: [from, to] })
      from = to
    }
  }
  return parts
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

/** The parts of `plan` (one without blocks) inside [start, end) ms — one point of the time series. */
export function clipPlan(plan: RollupPlan, start: number, end: number): RollupPlan {
  const clipHours = (spans: Span[]) => clip(spans, start / HOUR_MS, end / HOUR_MS)
  return { blocks: [], days: clipHours(plan.days), hours: clipHours(plan.hours), raw: clip(plan.raw, start, end) }
}

function clip(spans: readonly Span[], start: number, end: number): Span[] {
  return spans.flatMap(([a, b]): Span[] => {
    const lower = Math.max(a, start)
    const upper = Math.min(b, end)
    return lower < upper ? [[lower, upper]] : []
  })
}
