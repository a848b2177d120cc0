// How numbers, times and instants read on the page. Instants are UTC, like the range picker.
import type { TimeBucket } from '../src/stats/time-bucket.js'

const number = new Intl.NumberFormat('en-US')
const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 })

export function count(value: number): string {
  return number.format(value)
}

export function share(part: number, whole: number): string {
  return whole === 0 ? '–' : percent.format(part / whole)
}

export function ms(value: number | null): string {
  if (value === null) return '–'
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`
  return `${value < 10 ? value.toFixed(2) : Math.round(value)} ms`
}

export function bytes(value: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let scaled = value
  let unit = 0
  while (scaled >= 1000 && unit < units.length - 1) {
    scaled /= 1000
    unit++
  }
  return `${unit === 0 ? scaled : scaled.toFixed(1)} ${units[unit]}`
}

/** `2026-01-15 13:04:05` for an ISO instant. */
export function when(iso: string): string {
  return iso.slice(0, 19).replace('T', ' ')
}

/** A chart tick for an instant (seconds), as fine as the bucket: `01-15`, `01-15 13:00`, `13:05`. */
export function tick(seconds: number, bucket: TimeBucket): string {
  const iso = new Date(seconds * 1000).toISOString()
  if (bucket === 'day') return iso.slice(5, 10)
  if (bucket === 'hour') return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`
  return iso.slice(11, 16)
}
