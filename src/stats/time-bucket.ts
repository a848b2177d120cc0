import { toUtcText } from './utc-text.js'

/** The width of one point of the time series. */
export type TimeBucket = 'minute' | 'hour' | 'day'

export const TIME_BUCKETS: readonly TimeBucket[] = ['minute', 'hour', 'day']

/** The width of one bucket in ms. */
export const BUCKET_MS: Record<TimeBucket, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 }

/** How many characters of UTC text `YYYY-MM-DD HH:MM` name a bucket: the day, the hour or the minute. */
export const BUCKET_TEXT_LENGTH: Record<TimeBucket, number> = { minute: 16, hour: 13, day: 10 }

/** Most points one time series may have. */
export const MAX_BUCKETS = 2000

/** The bucket that suits a range: minutes up to 6 hours, hours up to 3 days, days beyond. */
export function bucketFor(from: number, to: number): TimeBucket {
  const span = to - from
  if (span <= 6 * BUCKET_MS.hour) return 'minute'
  if (span <= 3 * BUCKET_MS.day) return 'hour'
  return 'day'
}

/** How many buckets of `bucket` cover [from, to). */
export function bucketCount(from: number, to: number, bucket: TimeBucket): number {
  const width = BUCKET_MS[bucket]
  return Math.ceil(to / width) - Math.floor(from / width)
}

/** The start of every bucket of `bucket` that [from, to) touches, ms since the epoch. */
export function bucketStarts(from: number, to: number, bucket: TimeBucket): number[] {
  const width = BUCKET_MS[bucket]
  const starts: number[] = []
  for (let start = Math.floor(from / width) * width; start < to; start += width) starts.push(start)
  return starts
}

/** The key a store groups an instant's bucket by: the first characters of its UTC text. */
export function bucketKey(ms: number, bucket: TimeBucket): string {
  return toUtcText(ms).slice(0, BUCKET_TEXT_LENGTH[bucket])
}
