/**
 * An instant as UTC text `YYYY-MM-DD HH:MM:SS.SSS`: SQLite's own date format and what MySQL's
 * `datetime(3)` takes, whatever the connection's time zone; ordered like the instants.
 */
export function toUtcText(ms: number): string {
  const iso = new Date(ms).toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`
}

/** The instant of UTC text `YYYY-MM-DD HH:MM:SS[.fraction]`; digits past milliseconds are dropped. */
export function fromUtcText(value: unknown): number {
  const text = String(value)
  return Date.parse(`${text.slice(0, 10)}T${text.slice(11, 23)}Z`)
}
