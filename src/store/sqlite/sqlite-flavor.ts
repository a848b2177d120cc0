import { sql } from 'kysely'
import type { SqlFlavor } from '../kysely/sql-flavor.js'
import { fromUtcText, toUtcText } from '../kysely/utc-text.js'

/** SQLite keeps dates as UTC text, readable in any SQL shell and cut to a day with `substr`. */
export const sqliteFlavor: SqlFlavor = {
  columns: { id: 'integer', real: 'real', integer: 'integer', text: 'text', date: 'text', boolean: 'integer' },
  autoIncrement: true,
  toDate: toUtcText,
  readDate: (date) => date,
  fromDate: fromUtcText,
  toBoolean: (value) => (value ? 1 : 0),
  utcDay: sql<string>`substr(date, 1, 10)`,
}
