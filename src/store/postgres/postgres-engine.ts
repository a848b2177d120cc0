import { type PostgresPool, PostgresAdapter } from 'kysely'
import { talksTo } from '../kysely/kysely-instance.js'
import type { StoreEngine } from '../store-engine.js'
import { PostgresStore } from './postgres-store.js'

const URL = /^postgres(ql)?:\/\//i

export const postgresEngine: StoreEngine = {
  name: 'PostgreSQL',
  ownsString: (database) => URL.test(database),
  // pg.Pool has `totalCount`: the package need not be loaded to tell.
  ownsHandle: (database) =>
    (typeof (database as Partial<PostgresPool>).connect === 'function' && 'totalCount' in database) || talksTo(database, PostgresAdapter),
  reopenable: (url) => url,
  open: (database, { table, schema, limits, maxValues, migrations }) =>
    new PostgresStore({ database: database as string | PostgresPool, table, schema, limits, maxValues, migrations }),
}
