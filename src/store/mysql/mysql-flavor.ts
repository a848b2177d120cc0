import { sql } from 'kysely'
import { rowsInList } from '../kysely/shared-clauses.js'
import type { SqlFlavor } from '../kysely/sql-flavor.js'
import type { TimeBucket } from '../../stats/time-bucket.js'
import { fromUtcText, toUtcText } from '../../stats/utc-text.js'

const BUCKET_FORMAT: Record<TimeBucket, string> = { day: '%Y-%m-%d', hour: '%Y-%m-%d %H', minute: '%Y-%m-%d %H:%i' }

/**
 * MySQL and MariaDB keep instants as UTC in `datetime(3)`, written and read as text so that no
 * connection's time zone setting can shift them; text in utf8mb4 with a binary collation, so any
 * character is kept and `/A` and `/a` stay two paths.
 */
export const mysqlFlavor: SqlFlavor = {
  columns: { id: 'bigint', real: 'double precision', integer: 'bigint', text: 'text', date: sql`datetime(3)`, boolean: 'boolean' },
  indexIfNotExists: false,
  autoIncrement: true,
  createTableEnd: sql`default character set utf8mb4 collate utf8mb4_bin`,
  clusteredTableEnd: sql`default character set utf8mb4 collate utf8mb4_bin`,
  toDate: toUtcText,
  readDate: (date) => sql`date_format(${date}, '%Y-%m-%d %H:%i:%s.%f')`,
  fromDate: fromUtcText,
  toBoolean: (value) => (value ? 1 : 0),
  utcBucket: (bucket) => sql<string>`date_format(date, ${sql.lit(BUCKET_FORMAT[bucket])})`,
  upsert: (_keys, columns) => sql`on duplicate key update ${sql.join(columns.map((column) => sql`${sql.ref(column)} = values(${sql.ref(column)})`))}`,
  // Not INSERT IGNORE, which would also turn real errors (a value too long) into warnings.
  skipDuplicates: (keys) => sql`on duplicate key update ${sql.ref(keys[0] as string)} = ${sql.ref(keys[0] as string)}`,
  rowsIn: rowsInList,
}
