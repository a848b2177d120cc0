import { sql } from 'kysely'
import { insertOrNothing, onConflictAccumulate, onConflictSkip, onConflictUpdate, valuesSource } from '../kysely/shared-clauses.js'
import type { SqlFlavor } from '../kysely/sql-flavor.js'
import { BUCKET_TEXT_LENGTH } from '../../stats/time/time-bucket.js'
import { fromUtcText, toUtcText } from '../../stats/time/utc-text.js'
import { compactRows } from './compact-rows.js'

/** SQLite keeps dates as UTC text, readable in any SQL shell and cut to a bucket with `substr`. */
export const sqliteFlavor: SqlFlavor = {
  engine: 'sqlite',
  columns: { id: 'integer', real: 'real', integer: 'integer', text: 'text', date: 'text', boolean: 'integer' },
  indexIfNotExists: true,
  clusteredTableEnd: sql`without rowid`,
  largeRowsApart: true,
  autoIncrement: true,
  rawLayout: compactRows,
  toDate: toUtcText,
  readDate: (date) => date,
  fromDate: fromUtcText,
  toBoolean: (value) => (value ? 1 : 0),
  // A week by its Monday: back six days, then on to the first Monday.
  utcBucket: (bucket) =>
    bucket === 'week' ? sql<string>`date(substr(date, 1, 10), '-6 days', 'weekday 1')` : sql<string>`substr(date, 1, ${sql.lit(BUCKET_TEXT_LENGTH[bucket])})`,
  upsert: onConflictUpdate,
  accumulate: onConflictAccumulate,
  rowSource: valuesSource,
  // SQLite's bound on variables (since 3.32).
  maxParameters: 32_766,
  insertNew: insertOrNothing,
  skipDuplicates: onConflictSkip,
  forShare: sql``,
  // Every connection writes under the file's one write lock: as one writer.
  oneWriter: { name: 'file', dataVersion: sql<{ version: number }>`select data_version as version from pragma_data_version()` },
  rowsIn: (columns, rows) => sql`(${columns}) in (values ${sql.join(rows)})`,
}
