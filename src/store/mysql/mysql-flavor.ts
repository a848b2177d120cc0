import { sql } from 'kysely'
import { rowsInList } from '../kysely/shared-clauses.js'
import type { SqlFlavor } from '../kysely/sql-flavor.js'
import type { TimeBucket } from '../../stats/time/time-bucket.js'
import { fromUtcText, toUtcText } from '../../stats/time/utc-text.js'
import { StatgraphError } from '../../errors/statgraph-error.js'

const BUCKET_FORMAT: Record<TimeBucket, string> = { month: '%Y-%m', week: '%Y-%m-%d', day: '%Y-%m-%d', hour: '%Y-%m-%d %H', minute: '%Y-%m-%d %H:%i' }

/**
 * MySQL and MariaDB keep instants as UTC in `datetime(3)`, written and read as text so that no
 * connection's time zone setting can shift them; text in utf8mb4 with a binary collation without
 * padding, so any character is kept and `/A`, `/a` and `/a ` stay three paths.
 */
export const mysqlFlavor: SqlFlavor = {
  engine: 'mysql',
  columns: { id: 'bigint', real: 'double precision', integer: 'bigint', text: 'text', date: sql`datetime(3)`, boolean: 'boolean' },
  indexIfNotExists: false,
  autoIncrement: true,
  createTableEnd: sql`default character set utf8mb4 collate utf8mb4_bin`,
  clusteredTableEnd: sql`default character set utf8mb4 collate utf8mb4_bin`,
  toDate: toUtcText,
  readDate: (date) => sql`date_format(${date}, '%Y-%m-%d %H:%i:%s.%f')`,
  fromDate: fromUtcText,
  toBoolean: (value) => (value ? 1 : 0),
  // A week by its Monday (weekday(): 0 is Monday).
  utcBucket: (bucket) => sql<string>`date_format(${bucket === 'week' ? sql`date - interval weekday(date) day` : sql`date`}, ${sql.lit(BUCKET_FORMAT[bucket])})`,
  accumulate: (table, columns, rows, { sums, maxima }) => {
    const set = [
      ...sums.map((column) => sql`${sql.ref(column)} = ${sql.ref(column)} + values(${sql.ref(column)})`),
      ...maxima.map((column) => {
        const [stored, added] = [sql.ref(column), sql`values(${sql.ref(column)})`]
        return sql`${stored} = case when ${added} > ${stored} or ${stored} is null then ${added} else ${stored} end`
      }),
    ]
    return sql`insert into ${table} (${sql.join(columns.map((column) => sql.ref(column)))}) ${rows} on duplicate key update ${sql.join(set)}`
  },
  // The rows as one parameter: mysql2 writes a nested array as `(…), (…)` into the statement it
  // sends, so thousands of rows cost one value to build instead of one per field.
  rowSource: (rows) => sql`values ${rows}`,
  // Rows per INSERT (one parameter each above): a batch of 5000 stays far under max_allowed_packet.
  maxParameters: 65_535,
  // Session settings (MySQL has no per-transaction ones), put back at the end; MariaDB alone (its
  // executable comments) limits statements and ends a transaction left idle.
  writeLimits: ({ statementMs, lockMs }) => ({
    first: sql.raw(
      `set session innodb_lock_wait_timeout = ${Math.max(1, Math.ceil(lockMs / 1000))} ` +
        `/*M!, max_statement_time = ${statementMs / 1000}, idle_transaction_timeout = ${Math.max(1, Math.ceil(statementMs / 1000))} */`,
    ),
    last: sql.raw('set session innodb_lock_wait_timeout = default /*M!, max_statement_time = default, idle_transaction_timeout = default */'),
  }),
  // REPEATABLE READ locks gaps between index entries, which would make writers of different rows wait on each other.
  writeIsolation: 'read committed',
  keepTrailingSpaces: async (db, tables) => {
    // The binary collation without padding: MySQL 8's utf8mb4_0900_bin, MariaDB's utf8mb4_nopad_bin.
    const { rows } = await sql<{ name: string }>`select collation_name as name from information_schema.collations
      where collation_name in ('utf8mb4_0900_bin', 'utf8mb4_nopad_bin')`.execute(db)
    const collation = rows[0]?.name
    if (collation === undefined)
      throw new StatgraphError(
        'STATGRAPH_UNSUPPORTED',
        'statgraph: this MySQL server has no binary utf8mb4 collation without padding; MySQL 8 or MariaDB 10.2 or later is needed',
      )
    for (const table of tables) await sql`alter table ${table} convert to character set utf8mb4 collate ${sql.raw(collation)}`.execute(db)
  },
  // IGNORE counts only new rows as affected, and locks an existing one for reading only (ON
  // DUPLICATE KEY UPDATE may count an unchanged row, and locks it for writing); the rows given here
  // are statgraph's own numbers and ids, so no other error can hide behind it.
  insertNew: (table, columns, rows) => sql`insert ignore into ${table} (${sql.join(columns.map((column) => sql.ref(column)))}) ${rows}`,
  upsert: (_keys, columns) => sql`on duplicate key update ${sql.join(columns.map((column) => sql`${sql.ref(column)} = values(${sql.ref(column)})`))}`,
  // Not INSERT IGNORE, which would also turn real errors (a value too long) into warnings.
  skipDuplicates: (keys) => sql`on duplicate key update ${sql.ref(keys[0] as string)} = ${sql.ref(keys[0] as string)}`,
  // MariaDB has no FOR SHARE; MySQL 8 takes both.
  forShare: sql`lock in share mode`,
  rowsIn: rowsInList,
}
