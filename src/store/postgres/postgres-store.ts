import { Kysely, PostgresDialect, type PostgresPool } from 'kysely'
import { importDriver } from '../import-driver.js'
import { checkedKysely, isKyselyInstance, type KyselyInstance } from '../kysely/kysely-instance.js'
import { KyselyStore } from '../kysely/kysely-store.js'
import type { RequestDatabase } from '../kysely/request-table.js'
import { postgresFlavor } from './postgres-flavor.js'

/** Where a {@link PostgresStore} keeps its rows. */
export interface PostgresStoreOptions {
  /**
   * A `postgres://` URL (statgraph opens a small `pg` pool of its own), or the app's own `pg.Pool`
   * or PostgreSQL Kysely instance (never closed by statgraph).
   */
  database: string | PostgresPool | KyselyInstance
  /** The table's name; default `request`. */
  table?: string
  /** The schema holding the table; default the connection's `search_path`. It must exist. */
  schema?: string
}

/**
 * The store for apps that run on many machines: one PostgreSQL table shared by every instance,
 * written in batches, migrated once under an advisory lock.
 *
 * @example const store = new PostgresStore({ database: process.env.DATABASE_URL })
 */
export class PostgresStore extends KyselyStore {
  constructor(options: PostgresStoreOptions) {
    const { database } = options
    super({
      db: isKyselyInstance(database) ? checkedKysely(database, 'postgres') : new Kysely<RequestDatabase>({ dialect: dialect(database) }),
      table: options.table ?? 'request',
      schema: options.schema,
      flavor: postgresFlavor,
      ownsDatabase: typeof database === 'string',
    })
  }
}

function dialect(database: string | PostgresPool): PostgresDialect {
  if (typeof database !== 'string') return new PostgresDialect({ pool: database })
  return new PostgresDialect({
    pool: async () => {
      const { default: pg } = await importDriver(
        () => import('pg'),
        'a postgres:// database needs the pg package: install it with `npm install pg`',
      )
      const pool = new pg.Pool({
        connectionString: database,
        // A few connections are plenty for batched writes and the dashboard; an unreachable server
        // fails a write within seconds (and the recorder retries) instead of hanging it.
        max: 4,
        connectionTimeoutMillis: 5000,
        keepAlive: true,
      })
      // An idle connection the server drops (a restart) is replaced on the next query; without a
      // listener, pg's 'error' event would end the app's process.
      pool.on('error', () => undefined)
      return pool
    },
  })
}
