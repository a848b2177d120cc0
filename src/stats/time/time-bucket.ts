import { toUtcText } from './utc-text.js'

/** The width of one point of the time series. Weeks start on Monday (ISO 8601), UTC like the rest. */
export type TimeBucket = 'minute' | 'hour' | 'day' | 'week' | 'month'

export const TIME_BUCKETS: readonly TimeBucket[] = ['minute', 'hour', 'day', 'week', 'month']

const FIXED_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const
/** 1970-01-01 was a Thursday: Mondays are 4 days past a multiple of a week. */
const MONDAY_OFFSET = 4 * FIXED_MS.day

/** Most points one time series may have. */
export const MAX_BUCKETS = 2000

/** The bucket that suits a range: minutes up to 6 hours, hours up to 3 days, days up to the point limit, weeks beyond. */
export function bucketFor(from: number, to: number): TimeBucket {
  const span = to - from
  if (span <= 6 * FIXED_MS.hour) return 'minute'
  if (span <= 3 * FIXED_MS.day) return 'hour'
  return bucketCount(from, to, 'day') <= MAX_BUCKETS ? 'day' : 'week'
}

/** The start of the bucket holding instant `ms`. */
export function bucketStart(ms: number, bucket: TimeBucket): number {
  if (bucket === 'month') {
    const date = new Date(ms)
    return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)
  }
  if (bucket === 'week') return Math.floor((ms - MONDAY_OFFSET) / FIXED_MS.week) * FIXED_MS.week + MONDAY_OFFSET
  return Math.floor(ms / FIXED_MS[bucket]) * FIXED_MS[bucket]
}

/** The start of the bucket after the one starting at `start`. */
export function nextBucket(start: number, bucket: TimeBucket): number {
  if (bucket !== 'month') return start + FIXED_MS[bucket]
  const date = new Date(start)
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1)
}

/** How many buckets of `bucket` cover [from, to). */
export function bucketCount(from: number, to: number, bucket: TimeBucket): number {
  if (bucket === 'month') {
    const [first, last] = [new Date(from), new Date(to - 1)]
    return (last.getUTCFullYear() - first.getUTCFullYear()) * 12 + last.getUTCMonth() - first.getUTCMonth() + 1
  }
  return Math.ceil((to - bucketStart(from, bucket)) / FIXED_MS[bucket])
}

/** The start of every bucket of `bucket` that [from, to) touches, ms since the epoch. */
export function bucketStarts(from: number, to: number, bucket: TimeBucket): number[] {
  const starts: number[] = []
  for (let start = bucketStart(from, bucket); start < to; start = nextBucket(start, bucket)) starts.push(start)
  return starts
}

/**
 * The key a store groups an instant's bucket by, as its SQL (`SqlFlavor.utcBucket`) writes it: the
 * first characters of the UTC text of the bucket's start — `YYYY-MM` for a month, the Monday's
 * `YYYY-MM-DD` for a week.
 */
export function bucketKey(ms: number, bucket: TimeBucket): string {
  return toUtcText(bucketStart(ms, bucket)).slice(0, BUCKET_TEXT_LENGTH[bucket])
}

/** How many characters of UTC text `YYYY-MM-DD HH:MM` name a bucket's start. */
export const BUCKET_TEXT_LENGTH: Record<TimeBucket, number> = { minute: 16, hour: 13, day: 10, week: 10, month: 7 }
