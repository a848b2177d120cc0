import { MysqlAdapter, type MysqlPool } from 'kysely'
import { talksTo } from '../kysely/kysely-instance.js'
import type { StoreEngine } from '../store-engine.js'
import { type MysqlPromisePool, MysqlStore } from './mysql-store.js'

const URL = /^(mysql|mariadb):\/\//i

export const mysqlEngine: StoreEngine = {
  name: 'MySQL/MariaDB',
  ownsString: (database) => URL.test(database),
  // mysql2's pools have `getConnection`: the package need not be loaded to tell.
  ownsHandle: (database) => typeof (database as Partial<MysqlPool>).getConnection === 'function' || talksTo(database, MysqlAdapter),
  reopenable: (url) => url,
  open: (database, { table, schema, limits, maxValues, migrations }) =>
    new MysqlStore({
      database: typeof database === 'string' ? database.replace(URL, 'mysql://') : (database as MysqlPool | MysqlPromisePool),
      table,
      schema,
      limits,
      maxValues,
      migrations,
    }),
}
