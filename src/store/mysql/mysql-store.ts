import { MysqlAdapter, MysqlDialect, type MysqlPool } from 'kysely'
import { importDriver } from '../import-driver.js'
import { KyselyStore } from '../kysely/kysely-store.js'
import { type ServerStoreOptions, serverStoreConfig } from '../kysely/server-store-config.js'
import { mysqlFlavor } from './mysql-flavor.js'

/** A `mysql2/promise` pool: statgraph uses the callback pool inside it. */
export interface MysqlPromisePool {
  pool: MysqlPool
}

/** A `mysql://` URL, the app's own `mysql2` pool (callback or promise API) or MySQL Kysely instance; table and database. */
export type MysqlStoreOptions = ServerStoreOptions<MysqlPool | MysqlPromisePool>

/**
 * The store for apps on MySQL 8 or MariaDB: one table shared by every instance, written in
 * batches, migrated once under `GET_LOCK`.
 *
 * @example const store = new MysqlStore({ database: process.env.DATABASE_URL })
 */
export class MysqlStore extends KyselyStore {
  constructor(options: MysqlStoreOptions) {
    super(serverStoreConfig(options, MysqlAdapter, mysqlFlavor, dialect))
  }
}

function dialect(database: string | MysqlPool | MysqlPromisePool): MysqlDialect {
  if (typeof database !== 'string') return new MysqlDialect({ pool: 'pool' in database ? database.pool : database })
  return new MysqlDialect({
    pool: async () => {
      const mysql = await importDriver<typeof import('mysql2')>('mysql2', 'a mysql:// database needs the mysql2 package: install it with `npm install mysql2`')
      // A few connections are plenty for batched writes and the dashboard; an unreachable server
      // fails a write within seconds (and the recorder retries) instead of hanging it.
      return mysql.createPool({ uri: database, connectionLimit: 4, connectTimeout: 5000, charset: 'utf8mb4_bin' })
    },
  })
}
