import { Kysely, MysqlDialect, type MysqlPool } from 'kysely'
import { importDriver } from '../import-driver.js'
import { checkedKysely, isKyselyInstance, type KyselyInstance } from '../kysely/kysely-instance.js'
import { KyselyStore } from '../kysely/kysely-store.js'
import type { RequestDatabase } from '../kysely/request-table.js'
import { mysqlFlavor } from './mysql-flavor.js'

/** A `mysql2/promise` pool: statgraph uses the callback pool inside it. */
export interface MysqlPromisePool {
  pool: MysqlPool
}

/** Where a {@link MysqlStore} keeps its rows. */
export interface MysqlStoreOptions {
  /**
   * A `mysql://` URL (statgraph opens a small `mysql2` pool of its own), or the app's own `mysql2`
   * pool (callback or promise API) or MySQL Kysely instance (never closed by statgraph).
   */
  database: string | MysqlPool | MysqlPromisePool | KyselyInstance
  /** The table's name; default `request`. */
  table?: string
  /** The database holding the table; default the connection's own. It must exist. */
  schema?: string
}

/**
 * The store for apps on MySQL 8 or MariaDB 10.5 and later: one table shared by every instance,
 * written in batches, migrated once under `GET_LOCK`.
 *
 * @example const store = new MysqlStore({ database: process.env.DATABASE_URL })
 */
export class MysqlStore extends KyselyStore {
  constructor(options: MysqlStoreOptions) {
    const { database } = options
    super({
      db: isKyselyInstance(database) ? checkedKysely(database, 'mysql') : new Kysely<RequestDatabase>({ dialect: dialect(database) }),
      table: options.table ?? 'request',
      schema: options.schema,
      flavor: mysqlFlavor,
      ownsDatabase: typeof database === 'string',
    })
  }
}

function dialect(database: string | MysqlPool | MysqlPromisePool): MysqlDialect {
  if (typeof database !== 'string') return new MysqlDialect({ pool: 'pool' in database ? database.pool : database })
  return new MysqlDialect({
    pool: async () => {
      const mysql = await importDriver(
        () => import('mysql2'),
        'a mysql:// database needs the mysql2 package: install it with `npm install mysql2`',
      )
      // A few connections are plenty for batched writes and the dashboard; an unreachable server
      // fails a write within seconds (and the recorder retries) instead of hanging it.
      return mysql.createPool({ uri: database, connectionLimit: 4, connectTimeout: 5000, charset: 'utf8mb4_bin' })
    },
  })
}
