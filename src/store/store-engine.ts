import type { WriteLimits } from './kysely/kysely-store-config.js'
import type { Store } from './store.js'

/** Where in the database the table lives, how long a write on a database server may take, and what rollups keep. */
export interface TableName {
  table: string
  /** PostgreSQL schema or MySQL database; SQLite has none. */
  schema?: string | undefined
  limits?: Partial<WriteLimits> | undefined
  /** Values kept per group and bucket in the rollups; default 1000. */
  maxValues?: number | undefined
  /** `'off'`: no DDL, only a check that the tables are there. */
  migrations?: 'auto' | 'off' | undefined
}

/**
 * A database engine as `openStore` knows it: how to tell the `database` values that are its, and
 * how to open a store on one. Each engine's folder exports one; `open-store.ts` lists them.
 */
export interface StoreEngine {
  /** Its name, for messages: `PostgreSQL`. */
  name: string
  /** Whether a `database` string is its: a URL (`postgres://…`), or for SQLite a file path. */
  ownsString?(database: string): boolean
  /** Whether an object the app passed (a driver pool, a database handle, a Kysely instance) is its. */
  ownsHandle?(database: object): boolean
  /**
   * The `database` string as a worker thread opens it again, or undefined where it cannot (an
   * in-memory database). Without it the engine's stores stay on the app's thread: a worker thread
   * knows only the engines built in.
   */
  reopenable?(database: string): string | undefined
  open(database: string | object, table: TableName): Store
}
