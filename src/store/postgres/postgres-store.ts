import { PostgresAdapter, PostgresDialect, type PostgresPool } from 'kysely'
import { importDriver } from '../import-driver.js'
import { KyselyStore } from '../kysely/kysely-store.js'
import { type ServerStoreOptions, serverStoreConfig } from '../kysely/server-store-config.js'
import { postgresFlavor } from './postgres-flavor.js'

/** A `postgres://` URL, the app's own `pg.Pool` or PostgreSQL Kysely instance; table and schema. */
export type PostgresStoreOptions = ServerStoreOptions<PostgresPool>

/**
 * The store for apps that run on many machines: one PostgreSQL table shared by every instance,
 * written in batches, migrated once under an advisory lock.
 *
 * @example const store = new PostgresStore({ database: process.env.DATABASE_URL })
 */
export class PostgresStore extends KyselyStore {
  constructor(options: PostgresStoreOptions) {
    super(serverStoreConfig(options, PostgresAdapter, postgresFlavor, dialect))
  }
}

function dialect(database: string | PostgresPool): PostgresDialect {
  if (typeof database !== 'string') return new PostgresDialect({ pool: database })
  return new PostgresDialect({
    pool: async () => {
      const { default: pg } = await importDriver<typeof import('pg')>('pg', 'a postgres:// database needs the pg package: install it with `npm install pg`')
      const pool = new pg.Pool({
        connectionString: database,
        // A few connections are plenty for batched writes and the dashboard; an unreachable server
        // fails a write within seconds (and the recorder retries) instead of hanging it.
        max: 4,
        connectionTimeoutMillis: 5000,
        keepAlive: true,
      })
      // A connection the server drops (a restart, a network cut) fails its query, or is replaced on
      // the next one; without these listeners pg's 'error' events — on the pool for idle clients,
      // on the client itself while it is checked out — would end the app's process.
      pool.on('error', () => undefined)
      pool.on('connect', (client) => client.on('error', () => undefined))
      return pool
    },
  })
}
