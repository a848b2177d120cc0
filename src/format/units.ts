// How byte counts and durations read, the same on the page and in the terminal.

/** Bytes in decimal units: `612 B`, `1.5 kB`, `12.3 MB`. */
export function formatBytes(value: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let scaled = value
  let unit = 0
  while (scaled >= 1000 && unit < units.length - 1) {
    scaled /= 1000
    unit++
  }
  return `${unit === 0 ? scaled : scaled.toFixed(1)} ${units[unit]}`
}

/** A duration in milliseconds: `4.25 ms`, `120 ms`, `12.5 s`; a dash for none. */
export function formatMs(value: number | null): string {
  if (value === null) return '–'
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`
  return `${value < 10 ? value.toFixed(2) : Math.round(value)} ms`
}
