import type { Kysely, RawBuilder } from 'kysely'
import type { SqlRunner } from './rollup-tables.js'
import type { SqlFlavor } from './sql-flavor.js'

/** A table's name in raw SQL, schema-qualified where the store has a schema. */
export type Qualify = (name: string) => RawBuilder<unknown>

/**
 * How an engine keeps the raw rows when not as the seed's table itself: in tables of its own, with
 * the seed's table (`<table>`) a view over them. The store reads, prunes and counts through this;
 * on engines without one, the table is all there is.
 */
export interface RawLayout {
  /** The migration step that turns the seed's table into this layout, keeping its rows and ids. */
  make(db: Kysely<unknown>, table: string, qualified: Qualify): Promise<void>
  /** The rows as a derived table with the record's columns and `index`, read as {@link reads} says. */
  source(table: string, qualified: Qualify): RawBuilder<unknown>
  /**
   * Deletes the rows dated before `before` (ms), and whatever only they used;
   * how many rows went. Runs inside the caller's write transaction.
   */
  prune(db: SqlRunner, table: string, qualified: Qualify, before: number): Promise<number>
  /** How dates read, compare and bucket in {@link source}, and how text is compared and grouped. */
  reads(table: string, qualified: Qualify): Pick<SqlFlavor, 'toDate' | 'readDate' | 'fromDate' | 'utcBucket' | 'textEquals' | 'groupKey'>
}
