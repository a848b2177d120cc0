import type Database from 'better-sqlite3'
import { Kysely, type QueryExecutor, SqliteAdapter, SqliteDialect } from 'kysely'
import type { RequestRecord } from '../../record/request-record.js'
import { KyselyStore } from '../kysely/kysely-store.js'
import { INSERT_COLUMNS, type RequestDatabase } from '../kysely/request-table.js'
import { sqliteFlavor } from './sqlite-flavor.js'
import { sqliteMigrations } from './sqlite-migrations.js'

/**
 * What statgraph needs of a better-sqlite3 `Database`, described structurally so the app's own
 * instance (any 12.x) fits.
 */
export interface SqliteDatabase {
  prepare: Database.Database['prepare']
  pragma: Database.Database['pragma']
  transaction: Database.Database['transaction']
  close(): unknown
}

/** Any `Kysely<DB>` instance, whatever its `DB` type: all statgraph asks of it is its executor. */
export interface KyselyInstance {
  getExecutor(): QueryExecutor
}

/** Where a {@link SqliteStore} keeps its rows. */
export interface SqliteStoreOptions {
  /**
   * A file path (created if missing), or the app's own better-sqlite3 database or SQLite Kysely
   * instance (never closed by statgraph).
   */
  database: string | SqliteDatabase | KyselyInstance
  /** The table's name; default `request`. */
  table?: string
}

/**
 * The default store: one SQLite file in WAL mode, written through better-sqlite3.
 *
 * @example const store = new SqliteStore({ database: './statistics.db' })
 */
export class SqliteStore extends KyselyStore {
  readonly #sqlite: Promise<SqliteDatabase> | undefined
  readonly #table: string
  #insertMany: ((records: readonly RequestRecord[]) => void) | undefined

  constructor(options: SqliteStoreOptions) {
    const table = options.table ?? 'request'
    const { database } = options
    const sqlite = isKysely(database) ? undefined : typeof database === 'string' ? openFile(database) : Promise.resolve(database)
    // A file that cannot be opened fails the store's calls, each with the reason; not the process.
    sqlite?.catch(() => undefined)
    super({
      db: isKysely(database)
        ? checkedKysely(database)
        : new Kysely<RequestDatabase>({ dialect: new SqliteDialect({ database: () => sqlite as Promise<Database.Database> }) }),
      table,
      flavor: sqliteFlavor,
      migrations: sqliteMigrations,
      ownsDatabase: typeof options.database === 'string',
    })
    this.#sqlite = sqlite
    this.#table = table
  }

  /**
   * With a better-sqlite3 handle, one prepared statement run per row inside one transaction: about
   * four times cheaper per row than building a multi-row INSERT through Kysely.
   */
  override async insertBatch(records: readonly RequestRecord[]): Promise<void> {
    if (this.#sqlite === undefined) return super.insertBatch(records)
    if (records.length === 0) return
    await this.migrate()
    this.#insertMany ??= prepareInsert(await this.#sqlite, this.#table)
    this.#insertMany(records)
  }
}

function prepareInsert(sqlite: SqliteDatabase, table: string): (records: readonly RequestRecord[]) => void {
  const columns = INSERT_COLUMNS.map((column) => `"${column}"`).join(', ')
  const statement = sqlite.prepare(`insert into "${table}" (${columns}) values (${INSERT_COLUMNS.map(() => '?').join(', ')})`)
  return sqlite.transaction((records: readonly RequestRecord[]) => {
    for (const r of records) {
      statement.run(
        r.response_time, sqliteFlavor.toDate(r.date), r.method, r.size, r.status_code, r.path, r.user_agent,
        r.remote_address, r.exception, r.referrer, r.browser, r.platform, r.mimetype, r.bot ? 1 : 0, r.route,
      )
    }
  })
}

function isKysely(database: SqliteStoreOptions['database']): database is KyselyInstance {
  return typeof database === 'object' && 'getExecutor' in database
}

function checkedKysely(database: KyselyInstance): Kysely<RequestDatabase> {
  const adapter = database.getExecutor().adapter
  // By name too: the app may load its own copy of Kysely.
  if (!(adapter instanceof SqliteAdapter || adapter.constructor.name === 'SqliteAdapter')) {
    throw new TypeError('statgraph: the Kysely instance passed as "database" is not SQLite; this version stores statistics in SQLite only')
  }
  return database as unknown as Kysely<RequestDatabase>
}

/**
 * Opens the file with better-sqlite3, loaded only now: an app that passes its own store never needs
 * the native addon, and a runtime that cannot load it (Bun, Deno, Workers) gets a message that says so.
 */
async function openFile(path: string): Promise<SqliteDatabase> {
  let Sqlite: typeof Database
  try {
    Sqlite = (await import('better-sqlite3')).default
  } catch (error) {
    throw new Error(
      `statgraph: the default SQLite store needs better-sqlite3, a Node.js native addon, which could not be loaded here (${String(error)}). ` +
        'Install it with npm on Node.js 20 or later, or pass `database` a Store of your own.',
      { cause: error },
    )
  }
  const database = new Sqlite(path)
  // WAL lets the dashboard read while the recorder writes, and several app processes share the file;
  // NORMAL sync is durable across app crashes in WAL mode and much faster than FULL.
  database.pragma('journal_mode = WAL')
  database.pragma('synchronous = NORMAL')
  database.pragma('busy_timeout = 5000')
  return database
}
