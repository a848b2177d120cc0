import { type KyselyInstance, type SqliteDatabase, SqliteStore } from './sqlite/sqlite-store.js'
import type { Store } from './store.js'

/**
 * Where statgraph keeps its rows: a SQLite file path (default `./statistics.db`), the app's own
 * better-sqlite3 database or SQLite Kysely instance, or any {@link Store}.
 */
export type DatabaseOption = string | SqliteDatabase | KyselyInstance | Store

/** The store for a `database` option; throws a message naming the fix for anything else. */
export function openStore(database: DatabaseOption, table: string): Store {
  if (typeof database === 'string') {
    if (/^(postgres|postgresql|mysql|mariadb):\/\//i.test(database)) {
      throw new TypeError(
        'statgraph: "database" is a PostgreSQL/MySQL URL, but this version of statgraph stores statistics in SQLite only; pass a file path such as "./statistics.db"',
      )
    }
    if (database === '') throw new TypeError('statgraph: "database" is an empty string; pass a file path such as "./statistics.db"')
    return new SqliteStore({ database, table })
  }
  if (isStore(database)) return database
  if (typeof database === 'object' && database !== null && ('prepare' in database || 'getExecutor' in database)) {
    return new SqliteStore({ database, table })
  }
  throw new TypeError(
    'statgraph: "database" must be a SQLite file path, a better-sqlite3 Database, a Kysely instance or a Store',
  )
}

function isStore(value: unknown): value is Store {
  const candidate = value as Partial<Store> | null
  return typeof candidate?.insertBatch === 'function' && typeof candidate.stats === 'function'
}
