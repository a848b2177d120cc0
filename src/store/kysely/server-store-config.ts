import { type Dialect, Kysely } from 'kysely'
import { type AdapterClass, checkedKysely, isKyselyInstance, type KyselyInstance } from './kysely-instance.js'
import type { KyselyStoreConfig, WriteLimits } from './kysely-store-config.js'
import type { RequestDatabase } from './request-table.js'
import type { SqlFlavor } from './sql-flavor.js'

/** Where a store on a database server keeps its rows. */
export interface ServerStoreOptions<Pool> {
  /**
   * A URL (statgraph opens a small pool of its own and closes it in `close()`), or the app's own
   * driver pool or Kysely instance (used as it is, never closed by statgraph).
   */
  database: string | Pool | KyselyInstance
  /** The table's name; default `request`. */
  table?: string | undefined
  /** The schema (MySQL: database) holding the table; default the connection's own. It must exist. */
  schema?: string | undefined
  /** How long a statement, a lock wait and a whole write may take; see `WriteLimits`. */
  limits?: Partial<WriteLimits> | undefined
  /** Values kept per group (paths, referrers, …) and bucket in the rollups, the rest folded into one; default 1000. */
  maxValues?: number | undefined
  /** `'off'`: statgraph runs no DDL, and checks that the app's migrations made its tables. Default `'auto'`. */
  migrations?: 'auto' | 'off' | undefined
}

/** A server store's {@link KyselyStoreConfig}: the app's Kysely instance, or one on `dialect`. */
export function serverStoreConfig<Pool>(
  options: ServerStoreOptions<Pool>,
  adapter: AdapterClass,
  flavor: SqlFlavor,
  dialect: (database: string | Pool) => Dialect,
): KyselyStoreConfig {
  const { database } = options
  return {
    db: isKyselyInstance(database) ? checkedKysely(database, adapter) : new Kysely<RequestDatabase>({ dialect: dialect(database) }),
    table: options.table ?? 'request',
    schema: options.schema,
    flavor,
    ownsDatabase: typeof database === 'string',
    limits: options.limits,
    maxValues: options.maxValues,
    migrations: options.migrations,
  }
}
