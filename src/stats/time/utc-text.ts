/**
 * An instant as UTC text `YYYY-MM-DD HH:MM:SS.SSS`: SQLite's own date format and what MySQL's
 * `datetime(3)` takes, whatever the connection's time zone; ordered like the instants.
 */
export function toUtcText(ms: number): string {
  const instant = Math.trunc(ms)
  const second = Math.floor(instant / 1000) * 1000
  // Rows come in date order, many per second: the text up to the second is formatted once per second.
  if (second !== lastSecond) {
    const iso = new Date(second).toISOString()
    lastSecondText = `${iso.slice(0, 10)} ${iso.slice(11, 20)}`
    lastSecond = second
  }
  const millis = instant - second
  return lastSecondText + (millis < 10 ? '00' : millis < 100 ? '0' : '') + millis
}

let lastSecond = Number.NaN
let lastSecondText = ''

/** The instant of UTC text `YYYY-MM-DD HH:MM:SS[.fraction]`; digits past milliseconds are dropped. */
export function fromUtcText(value: unknown): number {
  const text = String(value)
  return Date.parse(`${text.slice(0, 10)}T${text.slice(11, 23)}Z`)
}
