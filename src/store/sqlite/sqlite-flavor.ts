import { sql } from 'kysely'
import type { SqlFlavor } from '../kysely/sql-flavor.js'

/**
 * SQLite keeps dates as UTC text `YYYY-MM-DD HH:MM:SS.SSS` — SQLite's own date format, readable in
 * any SQL shell, ordered like the instants, and cut to a day with `substr`.
 */
export const sqliteFlavor: SqlFlavor = {
  toDate(ms) {
    const iso = new Date(ms).toISOString()
    return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`
  },
  fromDate(value) {
    return Date.parse(`${String(value).replace(' ', 'T')}Z`)
  },
  toBoolean(value) {
    return value ? 1 : 0
  },
  utcDay: sql<string>`substr(date, 1, 10)`,
}
