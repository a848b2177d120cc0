// How numbers, times and instants read on the page. Instants are UTC, like the range picker.
import type { TimeBucket } from '../src/stats/time/time-bucket.js'

export { formatBytes as bytes, formatMs as ms } from '../src/format/units.js'

const number = new Intl.NumberFormat('en-US')
const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 })

export function count(value: number): string {
  return number.format(value)
}

export function share(part: number, whole: number): string {
  return whole === 0 ? '–' : percent.format(part / whole)
}

/** `2026-01-15 13:04:05` for an ISO instant. */
export function when(iso: string): string {
  return iso.slice(0, 19).replace('T', ' ')
}

/**
 * A chart tick for an instant (seconds), as fine as the bucket: `2026-01`, `2026-01-12` (a week's
 * Monday: weeks span years), `01-15`, `01-15 13:00`, `13:05`.
 */
export function tick(seconds: number, bucket: TimeBucket): string {
  const iso = new Date(seconds * 1000).toISOString()
  if (bucket === 'month') return iso.slice(0, 7)
  if (bucket === 'week') return iso.slice(0, 10)
  if (bucket === 'day') return iso.slice(5, 10)
  if (bucket === 'hour') return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`
  return iso.slice(11, 16)
}
