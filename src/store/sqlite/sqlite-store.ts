import Database from 'better-sqlite3'
import { Kysely, SqliteAdapter, SqliteDialect } from 'kysely'
import { KyselyStore } from '../kysely/kysely-store.js'
import type { RequestDatabase } from '../kysely/request-table.js'
import { sqliteFlavor } from './sqlite-flavor.js'
import { sqliteMigrations } from './sqlite-migrations.js'

/**
 * What statgraph needs of a better-sqlite3 `Database`, described structurally so the app's own
 * instance (any 12.x) fits.
 */
export interface SqliteDatabase {
  prepare: Database.Database['prepare']
  pragma: Database.Database['pragma']
  close(): unknown
}

/** Where a {@link SqliteStore} keeps its rows. */
export interface SqliteStoreOptions {
  /**
   * A file path (created if missing), or the app's own better-sqlite3 database or SQLite Kysely
   * instance (never closed by statgraph).
   */
  database: string | SqliteDatabase | Kysely<any>
  /** The table's name; default `request`. */
  table?: string
}

/**
 * The default store: one SQLite file in WAL mode, written through better-sqlite3.
 *
 * @example const store = new SqliteStore({ database: './statistics.db' })
 */
export class SqliteStore extends KyselyStore {
  constructor(options: SqliteStoreOptions) {
    super({
      db: kyselyFor(options.database),
      table: options.table ?? 'request',
      flavor: sqliteFlavor,
      migrations: sqliteMigrations,
      ownsDatabase: typeof options.database === 'string',
    })
  }
}

function kyselyFor(database: SqliteStoreOptions['database']): Kysely<RequestDatabase> {
  if (database instanceof Kysely) {
    if (!(database.getExecutor().adapter instanceof SqliteAdapter)) {
      throw new TypeError('statgraph: the Kysely instance passed as "database" is not SQLite; this version stores statistics in SQLite only')
    }
    return database as Kysely<RequestDatabase>
  }
  const sqlite = typeof database === 'string' ? openFile(database) : database
  return new Kysely<RequestDatabase>({ dialect: new SqliteDialect({ database: sqlite as Database.Database }) })
}

function openFile(path: string): Database.Database {
  const database = new Database(path)
  // WAL lets the dashboard read while the recorder writes, and several app processes share the file;
  // NORMAL sync is durable across app crashes in WAL mode and much faster than FULL.
  database.pragma('journal_mode = WAL')
  database.pragma('synchronous = NORMAL')
  database.pragma('busy_timeout = 5000')
  return database
}
