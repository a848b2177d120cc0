import { SqliteAdapter } from 'kysely'
import { talksTo } from '../kysely/kysely-instance.js'
import type { StoreEngine } from '../store-engine.js'
import { type SqliteDatabase, SqliteStore } from './sqlite-store.js'

/** A URL of any scheme: SQLite takes every other string, as a file path. */
const ANY_URL = /^[a-z][a-z0-9+.-]*:\/\//i

export const sqliteEngine: StoreEngine = {
  name: 'SQLite',
  ownsString: (database) => !ANY_URL.test(database),
  // better-sqlite3's Database has `prepare`.
  ownsHandle: (database) => talksTo(database, SqliteAdapter) || 'prepare' in database,
  reopenable: (database) => sqliteFile(database),
  open: (database, { table, maxValues, migrations }) => new SqliteStore({ database: database as string | SqliteDatabase, table, maxValues, migrations }),
}

/** The SQLite file a `database` option names, if it names one (not a URL, not `:memory:`). */
export function sqliteFile(database: unknown): string | undefined {
  if (typeof database !== 'string' || ANY_URL.test(database)) return undefined
  return database === ':memory:' || database === '' ? undefined : database
}
