const DAY_MS = 86_400_000
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/

/** A calendar day in UTC, written `YYYY-MM-DD`. */
export type UtcDay = string

/** The UTC day holding the instant `ms` (milliseconds since the epoch). */
export function utcDayOf(ms: number): UtcDay {
  return new Date(ms).toISOString().slice(0, 10)
}

/** Milliseconds since the epoch at the start (00:00 UTC) of `day`; NaN if `day` is no real date. */
export function startOfUtcDay(day: string): number {
  const match = DAY_PATTERN.exec(day)
  if (!match) return Number.NaN
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const ms = Date.UTC(year, month - 1, date)
  // Date.UTC rolls 2024-02-30 over into March; a real date survives the round trip.
  return utcDayOf(ms) === day && year >= 1970 ? ms : Number.NaN
}

/** `day` moved by `days` (negative: earlier). */
export function addUtcDays(day: UtcDay, days: number): UtcDay {
  return utcDayOf(startOfUtcDay(day) + days * DAY_MS)
}

export { DAY_MS }
