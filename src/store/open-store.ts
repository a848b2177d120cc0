import type { MysqlPool, PostgresPool } from 'kysely'
import { StatgraphError } from '../errors/statgraph-error.js'
import { isKyselyInstance, type KyselyInstance, unsupportedKysely } from './kysely/kysely-instance.js'
import { mysqlEngine } from './mysql/mysql-engine.js'
import type { MysqlPromisePool } from './mysql/mysql-store.js'
import { postgresEngine } from './postgres/postgres-engine.js'
import { sqliteEngine } from './sqlite/sqlite-engine.js'
import type { SqliteDatabase } from './sqlite/sqlite-store.js'
import type { Store } from './store.js'
import type { StoreEngine, TableName } from './store-engine.js'

export type { TableName } from './store-engine.js'

/**
 * Where statgraph keeps its rows: a SQLite file path (default `./statistics.db`), a `postgres://`
 * or `mysql://` URL, the app's own better-sqlite3 database, `pg.Pool`, `mysql2` pool or Kysely
 * instance, or any {@link Store}.
 */
export type DatabaseOption = string | SqliteDatabase | PostgresPool | MysqlPool | MysqlPromisePool | KyselyInstance | Store

/** The engines, asked in turn which `database` is theirs: SQLite last, as it takes any string that is not a URL. */
const ENGINES: StoreEngine[] = [postgresEngine, mysqlEngine, sqliteEngine]

/** Adds an engine, asked before the others; a worker thread knows only those built in. */
export function registerEngine(engine: StoreEngine): void {
  ENGINES.unshift(engine)
}

/** The store for a `database` option; throws a message naming the fix for anything else. */
export function openStore(database: DatabaseOption, table: TableName): Store {
  if (database === '')
    throw new StatgraphError('STATGRAPH_INVALID_OPTION', 'statgraph: "database" is an empty string; pass a file path such as "./statistics.db"')
  if (isStore(database)) return database
  const engine = engineOf(database)
  if (engine !== undefined) return engine.open(database, table)
  if (isKyselyInstance(database)) throw unsupportedKysely(database)
  throw new StatgraphError(
    'STATGRAPH_INVALID_OPTION',
    'statgraph: "database" must be a SQLite file path, a postgres:// or mysql:// URL, a better-sqlite3 Database, ' +
      `a pg.Pool, a mysql2 pool, a Kysely instance or a Store${typeof database === 'string' ? `; no engine takes "${database.split('://')[0]}://" URLs` : ''}`,
  )
}

/**
 * The `database` option as a worker thread can open it again: a SQLite file or a server's URL
 * (not a handle the app passed in, which lives on the app's thread, nor `:memory:`).
 */
export function threadableDatabase(database: DatabaseOption): string | undefined {
  return typeof database === 'string' ? engineOf(database)?.reopenable?.(database) : undefined
}

function engineOf(database: DatabaseOption): StoreEngine | undefined {
  if (typeof database === 'string') return ENGINES.find((engine) => engine.ownsString?.(database))
  return typeof database === 'object' && database !== null ? ENGINES.find((engine) => engine.ownsHandle?.(database)) : undefined
}

function isStore(value: unknown): value is Store {
  const candidate = value as Partial<Store> | null
  return typeof candidate?.insertBatch === 'function' && typeof candidate.stats === 'function'
}
