import type { Kysely } from 'kysely'
import type { InsertRows } from './insert-rows.js'
import type { RollupTables } from './rollup-tables.js'
import type { SqlFlavor } from './sql-flavor.js'

/** What the sealers of days and of blocks of days work with. */
export interface SealerContext {
  db: Kysely<unknown>
  tables: RollupTables
  flavor: SqlFlavor
  /** How long a seal waits for a writer's lock on a day's row before trying again next round. */
  lockMs: number
  /** Values kept per group in a sealed cell, the rest folded (see ValueBound). */
  maxValues: number
  insertRows: InsertRows
}
