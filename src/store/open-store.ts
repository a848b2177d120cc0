import type { MysqlPool, PostgresPool } from 'kysely'
import { isKyselyInstance, type KyselyInstance, kyselyEngine } from './kysely/kysely-instance.js'
import type { WriteLimits } from './kysely/kysely-store.js'
import { type MysqlPromisePool, MysqlStore } from './mysql/mysql-store.js'
import { PostgresStore } from './postgres/postgres-store.js'
import { type SqliteDatabase, SqliteStore } from './sqlite/sqlite-store.js'
import type { Store } from './store.js'
import { StatgraphError } from '../errors/statgraph-error.js'

/**
 * Where statgraph keeps its rows: a SQLite file path (default `./statistics.db`), a `postgres://`
 * or `mysql://` URL, the app's own better-sqlite3 database, `pg.Pool`, `mysql2` pool or Kysely
 * instance, or any {@link Store}.
 */
export type DatabaseOption = string | SqliteDatabase | PostgresPool | MysqlPool | MysqlPromisePool | KyselyInstance | Store

/** Where in the database the table lives, how long a write on a database server may take, and what rollups keep. */
export interface TableName {
  table: string
  /** PostgreSQL schema or MySQL database; SQLite has none. */
  schema?: string | undefined
  limits?: Partial<WriteLimits> | undefined
  /** Values kept per group and bucket in the rollups; default 1000. */
  maxValues?: number | undefined
}

const POSTGRES_URL = /^postgres(ql)?:\/\//i
const MYSQL_URL = /^(mysql|mariadb):\/\//i

/** The store for a `database` option; throws a message naming the fix for anything else. */
export function openStore(database: DatabaseOption, { table, schema, limits, maxValues }: TableName): Store {
  if (typeof database === 'string') {
    if (POSTGRES_URL.test(database)) return new PostgresStore({ database, table, schema, limits, maxValues })
    if (MYSQL_URL.test(database)) return new MysqlStore({ database: database.replace(MYSQL_URL, 'mysql://'), table, schema, limits, maxValues })
    if (database === '')
      throw new StatgraphError('STATGRAPH_INVALID_OPTION', 'statgraph: "database" is an empty string; pass a file path such as "./statistics.db"')
    return new SqliteStore({ database, table, maxValues })
  }
  if (isStore(database)) return database
  if (isKyselyInstance(database)) {
    const engine = kyselyEngine(database)
    if (engine === 'postgres') return new PostgresStore({ database, table, schema, limits, maxValues })
    if (engine === 'mysql') return new MysqlStore({ database, table, schema, limits, maxValues })
    return new SqliteStore({ database, table, maxValues })
  }
  if (isPostgresPool(database)) return new PostgresStore({ database, table, schema, limits, maxValues })
  if (isMysqlPool(database)) return new MysqlStore({ database, table, schema, limits, maxValues })
  if (typeof database === 'object' && database !== null && 'prepare' in database) return new SqliteStore({ database, table, maxValues })
  throw new StatgraphError(
    'STATGRAPH_INVALID_OPTION',
    'statgraph: "database" must be a SQLite file path, a postgres:// or mysql:// URL, a better-sqlite3 Database, ' +
      'a pg.Pool, a mysql2 pool, a Kysely instance or a Store',
  )
}

/**
 * The `database` option as a worker thread can open it again: a SQLite file or a server's URL
 * (not a handle the app passed in, which lives on the app's thread, nor `:memory:`).
 */
export function threadableDatabase(database: DatabaseOption): string | undefined {
  if (typeof database !== 'string') return undefined
  return POSTGRES_URL.test(database) || MYSQL_URL.test(database) ? database : sqliteFile(database)
}

/** The SQLite file a `database` option names, if it names one (not a URL, not `:memory:`). */
export function sqliteFile(database: DatabaseOption): string | undefined {
  if (typeof database !== 'string' || POSTGRES_URL.test(database) || MYSQL_URL.test(database)) return undefined
  return database === ':memory:' || database === '' ? undefined : database
}

function isStore(value: unknown): value is Store {
  const candidate = value as Partial<Store> | null
  return typeof candidate?.insertBatch === 'function' && typeof candidate.stats === 'function'
}

// pg.Pool has `totalCount`; mysql2's pools have `getConnection`: neither package need be loaded to tell.
function isPostgresPool(value: object): value is PostgresPool {
  return typeof (value as Partial<PostgresPool>).connect === 'function' && 'totalCount' in value
}

function isMysqlPool(value: object): value is MysqlPool | MysqlPromisePool {
  return typeof (value as Partial<MysqlPool>).getConnection === 'function'
}
