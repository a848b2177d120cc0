import { sql } from 'kysely'
import type { TimeBucket } from '../../stats/time/time-bucket.js'
import { insertOrNothing, onConflictAccumulate, onConflictSkip, onConflictUpdate, rowsInList } from '../kysely/shared-clauses.js'
import type { ColumnKind, SqlFlavor } from '../kysely/sql-flavor.js'

const TYPES: Record<ColumnKind, string> = { integer: 'bigint', real: 'float8', text: 'text', date: 'timestamptz', boolean: 'boolean' }

const BUCKET_FORMAT: Record<TimeBucket, string> = {
  month: 'YYYY-MM',
  week: 'YYYY-MM-DD',
  day: 'YYYY-MM-DD',
  hour: 'YYYY-MM-DD HH24',
  minute: 'YYYY-MM-DD HH24:MI',
}

/** PostgreSQL keeps instants as `timestamptz` and booleans as `boolean`; the driver reads back `Date`s. */
export const postgresFlavor: SqlFlavor = {
  engine: 'postgres',
  columns: { id: 'bigserial', real: 'double precision', integer: 'bigint', text: 'text', date: 'timestamptz', boolean: 'boolean' },
  indexIfNotExists: true,
  autoIncrement: false,
  toDate: (ms) => new Date(ms),
  readDate: (date) => date,
  fromDate: (value) => (value instanceof Date ? value.getTime() : Date.parse(String(value))),
  toBoolean: (value) => value,
  // date_trunc's weeks start on Monday, as ISO 8601's.
  utcBucket: (bucket) =>
    sql<string>`to_char(${bucket === 'week' ? sql`date_trunc('week', date at time zone 'UTC')` : sql`date at time zone 'UTC'`}, ${sql.lit(BUCKET_FORMAT[bucket])})`,
  upsert: onConflictUpdate,
  accumulate: onConflictAccumulate,
  // One array parameter per column: a batch's thousands of rows in one short statement.
  rowSource: (rows, kinds) =>
    sql`select * from unnest(${sql.join(kinds.map((kind, column) => sql`${rows.map((row) => row[column])}::${sql.raw(TYPES[kind])}[]`))})`,
  maxParameters: Number.POSITIVE_INFINITY,
  insertNew: insertOrNothing,
  // For this transaction only (set_config's `true`); a session idle in its transaction is ended by
  // the server, so a client that went silent holds its locks no longer than that.
  writeLimits: ({ statementMs, lockMs }) => ({
    first: sql`select set_config('statement_timeout', ${String(statementMs)}, true), set_config('lock_timeout', ${String(lockMs)}, true),
      set_config('idle_in_transaction_session_timeout', ${String(statementMs)}, true)`,
  }),
  skipDuplicates: onConflictSkip,
  forShare: sql`for share`,
  codePointOrder: sql`collate "C"`,
  rowsIn: rowsInList,
}
