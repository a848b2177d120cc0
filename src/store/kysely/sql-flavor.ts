import type { ColumnDataType, Expression, RawBuilder } from 'kysely'
import type { SqlRunner } from './rollup-tables.js'
import type { RawLayout } from './raw-layout.js'
import type { Engine } from '../schema/table-shape.js'
import type { TimeBucket } from '../../stats/time/time-bucket.js'

/** A column type: one Kysely names, or raw SQL such as `datetime(3)`. */
type DataTypeExpression = ColumnDataType | Expression<unknown>

/** What a column holds, for engines that need the type of a parameter (PostgreSQL's arrays). */
export type ColumnKind = 'integer' | 'real' | 'text' | 'date' | 'boolean'

/** The column types of the statistics table in one engine. */
export interface ColumnTypes {
  /** The generated row id (`index`). */
  id: DataTypeExpression
  real: DataTypeExpression
  integer: DataTypeExpression
  text: DataTypeExpression
  date: DataTypeExpression
  boolean: DataTypeExpression
}

/** The few things engines write differently; everything else in {@link KyselyStore} is shared SQL. */
export interface SqlFlavor {
  engine: Engine
  columns: ColumnTypes
  /** Whether the id column needs the `autoincrement` / `auto_increment` modifier. */
  autoIncrement: boolean
  /** Whether `create index if not exists` is understood (not by MySQL 8). */
  indexIfNotExists: boolean
  /** What ends the `create table` statement (MySQL's character set), if anything. */
  createTableEnd?: RawBuilder<unknown>
  /**
   * What ends the `create table` of a table kept in primary-key order, so that a range of keys is
   * read from neighbouring pages (SQLite's `without rowid`; InnoDB always does so).
   */
  clusteredTableEnd?: RawBuilder<unknown>
  /**
   * Whether a table of large rows (sketches, kilobytes each) is kept in insertion order with a
   * unique index on its key rather than clustered on it: SQLite's `without rowid` tables are meant
   * for small rows, and sought a month's route sketches five times slower.
   */
  largeRowsApart?: boolean
  /** Where the raw rows live, if not in the seed's table itself (SQLite's compact rows). */
  rawLayout?: RawLayout
  /** The value stored in the `date` column for an instant (ms since the epoch). */
  toDate(ms: number): unknown
  /** An expression reading a `date` value in the form {@link fromDate} takes. */
  readDate(date: RawBuilder<unknown>): RawBuilder<unknown>
  /** The instant (ms since the epoch) of a value read through {@link readDate}. */
  fromDate(value: unknown): number
  /** Rows whose text `column` is `value`, where a raw layout compares it otherwise than `column = value`. */
  textEquals?(column: string, value: string): RawBuilder<unknown>
  /** What rows are grouped by for one group per value of `column`, where a raw layout groups otherwise than by it. */
  groupKey?(column: string): RawBuilder<unknown>
  /** The value stored in a boolean column. */
  toBoolean(value: boolean): unknown
  /**
   * An expression for the UTC bucket of the `date` column, as text: `YYYY-MM-DD` (day),
   * `YYYY-MM-DD HH` (hour), `YYYY-MM-DD HH:MM` (minute), `YYYY-MM` (month), or the Monday's
   * `YYYY-MM-DD` (week) — see `bucketKey`.
   */
  utcBucket(bucket: TimeBucket): RawBuilder<string>
  /**
   * What ends an INSERT so that a row whose `keys` exist already replaces that row's `columns`
   * (`on conflict … do update` / `on duplicate key update`).
   */
  upsert(keys: readonly string[], columns: readonly string[]): RawBuilder<unknown>
  /**
   * `insert into table (columns) rows` (rows from {@link rowSource}), where a row whose `keys` exist already adds its
   * `sums` to that row's and keeps the larger of its `maxima` (a null is no value): a write that
   * commutes with every other, so writers never read a cell before adding to it.
   */
  accumulate(
    table: RawBuilder<unknown>,
    columns: readonly string[],
    rows: RawBuilder<unknown>,
    merge: { keys: readonly string[]; sums: readonly string[]; maxima: readonly string[] },
  ): RawBuilder<unknown>
  /**
   * What a write transaction runs first and last on a database server: statement, lock-wait and
   * idle-in-transaction limits, set for the transaction alone where the engine can, and restored.
   */
  writeLimits?: (limits: { statementMs: number; lockMs: number }) => { first: RawBuilder<unknown>; last?: RawBuilder<unknown> }
  /**
   * For an engine whose writers take turns on one lock (SQLite's file), the one writer name they
   * all write their rollup rows as — rows per cell as if there were one writer — and a query of a
   * number that changes when another connection commits, which tells a writer that what it
   * remembers of its rows may be stale.
   */
  oneWriter?: { name: string; dataVersion: RawBuilder<{ version: number }> }
  /**
   * The collation that orders text by code point, where the database's default may not (PostgreSQL's
   * follows the database's locale): ties rank as rollups rank them. Absent: the columns' own order is.
   */
  codePointOrder?: RawBuilder<unknown>
  /** What ends a SELECT that takes a shared lock on the rows it reads (SQLite: nothing; its writer holds the file). */
  forShare: RawBuilder<unknown>
  /** The isolation a write transaction asks for, where the engine's default locks ranges (InnoDB). */
  writeIsolation?: 'read committed'
  /**
   * Text comparisons that keep trailing spaces, for tables made before they did (MySQL and
   * MariaDB's `_bin` collations pad): converts `tables` in place.
   */
  keepTrailingSpaces?: (db: SqlRunner, tables: readonly RawBuilder<unknown>[]) => Promise<void>
  /**
   * `insert into table (columns) rows` (rows from {@link rowSource}) that skips a row whose key
   * exists (waiting for a transaction that holds that key to end) without locking it for writing,
   * so that the affected-row count says how many were new.
   */
  insertNew(table: RawBuilder<unknown>, columns: readonly string[], rows: RawBuilder<unknown>): RawBuilder<unknown>
  /**
   * The rows of an INSERT, each of the columns' `kinds`: `values (…), (…)`, or PostgreSQL's
   * `select * from unnest(…)` with one array parameter per column, which its server parses and
   * plans as a short statement however many rows it carries.
   */
  rowSource(rows: readonly (readonly unknown[])[], kinds: readonly ColumnKind[]): RawBuilder<unknown>
  /** Most parameters one statement may carry (rows per INSERT: this over its columns). */
  maxParameters: number
  /** What ends an INSERT so that a row whose `keys` exist already is skipped. */
  skipDuplicates(keys: readonly string[]): RawBuilder<unknown>
  /**
   * `(columns) in (rows)`, each row a parenthesised list of values: SQLite takes the rows only as
   * a `values` clause, PostgreSQL only as a list (its `values` would type parameters as text).
   */
  rowsIn(columns: RawBuilder<unknown>, rows: readonly RawBuilder<unknown>[]): RawBuilder<unknown>
}
