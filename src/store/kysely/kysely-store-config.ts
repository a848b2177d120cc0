import type { Kysely } from 'kysely'
import type { InsertRows } from './insert-rows.js'
import type { RequestDatabase } from './request-table.js'
import type { SqlFlavor } from './sql-flavor.js'

/** How long a write may take on a database server, in ms; see {@link KyselyStoreConfig.limits}. */
export interface WriteLimits {
  /** Longest statement. Default 5000. */
  statementMs: number
  /** Longest wait for a lock. Default 2000. */
  lockMs: number
  /** Longest whole write (one batch's transaction), however it hangs. Default 10 000. */
  writeMs: number
}

export const DEFAULT_WRITE_LIMITS: WriteLimits = { statementMs: 5000, lockMs: 2000, writeMs: 10_000 }

/** What {@link KyselyStore} is built from. */
export interface KyselyStoreConfig {
  db: Kysely<RequestDatabase>
  table: string
  /** The PostgreSQL schema (or MySQL database) holding the table; default the connection's own. */
  schema?: string | undefined
  flavor: SqlFlavor
  /** Whether `close()` destroys `db` (false when the app passed its own database in). */
  ownsDatabase: boolean
  /**
   * Limits of a write on a database server: past them it fails (and the recorder retries it, and
   * reports failing). Not applied to migrations, nor to SQLite, whose writes run on their own thread.
   */
  limits?: Partial<WriteLimits> | undefined
  /** How rollup rows are inserted; default multi-row statements. */
  insertRows?: InsertRows | undefined
  /** Values kept per group (paths, referrers, …) and bucket in the rollups, the rest folded; default 1000. */
  maxValues?: number | undefined
  /** `'off'`: never run DDL, only check that the tables and columns are there (see `checkSchema`). Default `'auto'`. */
  migrations?: 'auto' | 'off' | undefined
}
