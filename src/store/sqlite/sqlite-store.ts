import { resolve } from 'node:path'
import type Database from 'better-sqlite3'
import { Kysely, SqliteAdapter, SqliteDialect } from 'kysely'
import type { RequestRecord } from '../../record/request-record.js'
import { checkedKysely, isKyselyInstance, type KyselyInstance } from '../kysely/kysely-instance.js'
import { importDriver } from '../import-driver.js'
import { KyselyStore } from '../kysely/kysely-store.js'
import type { RequestDatabase } from '../kysely/request-table.js'
import { CompactRowWriter } from './compact-row-writer.js'
import { preparedInsert } from './prepared-insert.js'
import { sqliteFlavor } from './sqlite-flavor.js'

/**
 * What statgraph needs of a better-sqlite3 `Database`, described structurally so the app's own
 * instance (any 12.x) fits.
 */
export interface SqliteDatabase {
  prepare: Database.Database['prepare']
  pragma: Database.Database['pragma']
  readonly inTransaction: boolean
  close(): unknown
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
  /** Values kept per group (paths, referrers, …) and bucket in the rollups, the rest folded into one; default 1000. */
  maxValues?: number | undefined
  /** `'off'`: statgraph runs no DDL, and checks that the app's migrations made its tables. Default `'auto'`. */
  migrations?: 'auto' | 'off' | undefined
}

/**
 * The default store: one SQLite file in WAL mode, written through better-sqlite3.
 *
 * @example const store = new SqliteStore({ database: './statistics.db' })
 */
export class SqliteStore extends KyselyStore {
  readonly #sqlite: (() => Promise<SqliteDatabase>) | undefined
  readonly #table: string
  /** The file, where known: writes of one file from this process take turns on it. */
  readonly #file: string | undefined
  #rowWriter: CompactRowWriter | undefined

  constructor(options: SqliteStoreOptions) {
    const table = options.table ?? 'request'
    const { database } = options
    const sqlite = isKyselyInstance(database) ? undefined : typeof database === 'string' ? fileOpener(database) : async () => database
    super({
      db:
        sqlite === undefined
          ? checkedKysely(database as KyselyInstance, SqliteAdapter)
          : new Kysely<RequestDatabase>({ dialect: new SqliteDialect({ database: sqlite as () => Promise<Database.Database> }) }),
      table,
      flavor: sqliteFlavor,
      ownsDatabase: typeof options.database === 'string',
      insertRows: sqlite === undefined ? undefined : preparedInsert(sqlite),
      maxValues: options.maxValues,
      migrations: options.migrations,
    })
    this.#sqlite = sqlite
    this.#table = table
    this.#file = typeof database === 'string' ? resolve(database) : isKyselyInstance(database) ? undefined : (database as { name?: string }).name
  }

  /**
   * Migrates in one `begin immediate` transaction. Kysely runs SQLite's migrations outside any
   * transaction and takes no lock, so two processes opening one new file would interleave their
   * steps (one upserting before the other made the unique index the upsert needs). Holding the
   * write lock, the second process fails its attempt at once and the retries of
   * {@link KyselyStore.runMigrations} wait, never SQLite's busy wait (blocking the thread would stall
   * another connection of this same process holding the lock); then it finds the work done. An
   * attempt that fails rolls back whole.
   */
  protected override async migrationAttempt(attempt: () => Promise<void>): Promise<void> {
    const sqlite = await this.#sqlite?.()
    if (sqlite === undefined) return attempt()
    const busyTimeout = Number(sqlite.pragma('busy_timeout', { simple: true }))
    sqlite.pragma('busy_timeout = 0')
    try {
      await immediateTransaction(sqlite, attempt)
    } finally {
      sqlite.pragma(`busy_timeout = ${busyTimeout}`)
    }
  }

  /**
   * A write holds SQLite's lock across several statements; another connection of this process
   * asking for it meanwhile would block the thread in its busy wait — the very thread the holder
   * needs to finish — so writes of one file from this process queue here instead.
   */
  protected override exclusive<T>(write: () => Promise<T>): Promise<T> {
    return this.#file === undefined ? write() : takeTurn(this.#file, write)
  }

  /**
   * Takes the file's write lock first (`begin immediate`), trying again every millisecond while
   * another process holds it, for up to the busy timeout: SQLite's own busy wait sleeps ever longer
   * between tries (up to 100 ms), and writers of four processes lost a third of their time waiting.
   * Writes of this process take turns before this (see {@link insertBatch}), so the connection runs
   * nothing else meanwhile. The row writer remembers the dictionary ids a transaction made only
   * once it committed.
   */
  protected override async inWriteTransaction<T>(db: Kysely<RequestDatabase>, body: (trx: Kysely<RequestDatabase>) => Promise<T>): Promise<T> {
    try {
      const result = await this.#transaction(db, body)
      this.#rowWriter?.committed()
      return result
    } catch (error) {
      this.#rowWriter?.rolledBack()
      throw error
    }
  }

  async #transaction<T>(db: Kysely<RequestDatabase>, body: (trx: Kysely<RequestDatabase>) => Promise<T>): Promise<T> {
    if (this.#sqlite === undefined || this.#file === undefined) return super.inWriteTransaction(db, body)
    return immediateTransaction(await this.#sqlite(), () => body(db))
  }

  override async sealDays(now?: number): Promise<number> {
    const sealed = await super.sealDays(now)
    await this.#returnFreePages()
    return sealed
  }

  override async prune(before: number): Promise<number> {
    const deleted = await super.prune(before)
    await this.#returnFreePages()
    return deleted
  }

  override async pruneRollups(before: number): Promise<number> {
    const deleted = await super.pruneRollups(before)
    await this.#returnFreePages()
    return deleted
  }

  /**
   * Gives the pages that compacted days and prunes freed back to the disk, in a file made for it
   * (`auto_vacuum = incremental`: see {@link openFile}); skipped while another connection writes,
   * to be done next time, rather than blocking the thread.
   */
  async #returnFreePages(): Promise<void> {
    const open = this.#sqlite
    if (open === undefined || this.#file === undefined) return
    await this.exclusive(async () => {
      const sqlite = await open()
      if (Number(sqlite.pragma('freelist_count', { simple: true })) === 0) return
      const busyTimeout = Number(sqlite.pragma('busy_timeout', { simple: true }))
      sqlite.pragma('busy_timeout = 0')
      try {
        sqlite.pragma('incremental_vacuum')
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error
      } finally {
        sqlite.pragma(`busy_timeout = ${busyTimeout}`)
      }
    })
  }

  /**
   * With a better-sqlite3 handle (the one Kysely's transaction runs on), compact rows straight into
   * their table through prepared statements; otherwise through the view's trigger.
   */
  protected override async insertRows(trx: Kysely<RequestDatabase>, records: readonly RequestRecord[]): Promise<void> {
    if (this.#sqlite === undefined) return super.insertRows(trx, records)
    this.#rowWriter ??= new CompactRowWriter(await this.#sqlite(), this.#table)
    this.#rowWriter.write(records)
  }
}

/** `body` in a transaction that holds the file's write lock from its start; rolled back if `body` fails. */
async function immediateTransaction<T>(sqlite: SqliteDatabase, body: () => Promise<T>): Promise<T> {
  await beginImmediate(sqlite)
  try {
    const result = await body()
    sqlite.prepare('commit').run()
    return result
  } catch (error) {
    if (sqlite.inTransaction) sqlite.prepare('rollback').run()
    throw error
  }
}

/** `begin immediate`, tried again every millisecond or so while another connection writes, up to the busy timeout. */
async function beginImmediate(sqlite: SqliteDatabase): Promise<void> {
  const busyTimeout = Number(sqlite.pragma('busy_timeout', { simple: true }))
  const deadline = Date.now() + busyTimeout
  sqlite.pragma('busy_timeout = 0')
  try {
    for (;;) {
      try {
        sqlite.prepare('begin immediate').run()
        return
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error
      }
      await new Promise((resolve) => setTimeout(resolve, 1))
    }
  } finally {
    sqlite.pragma(`busy_timeout = ${busyTimeout}`)
  }
}

const turns = new Map<string, Promise<unknown>>()

/** Runs `task` once every task queued before it for `file` has settled. */
function takeTurn<T>(file: string, task: () => Promise<T>): Promise<T> {
  const result = (turns.get(file) ?? Promise.resolve()).then(task, task)
  const settled = result.then(
    () => undefined,
    () => undefined,
  )
  turns.set(file, settled)
  void settled.then(() => {
    if (turns.get(file) === settled) turns.delete(file)
  })
  return result
}

/**
 * Opens the file on first use; an attempt that failed (a full disk, a missing folder) is made again
 * by the next call, so the store recovers once the cause is gone.
 */
function fileOpener(path: string): () => Promise<SqliteDatabase> {
  let opening: Promise<SqliteDatabase> | undefined
  return () => {
    opening ??= openFile(path).catch((error: unknown) => {
      opening = undefined
      throw error
    })
    return opening
  }
}

/**
 * Opens the file with better-sqlite3, loaded only now: an app that passes its own store never needs
 * the native addon, and a runtime that cannot load it (Bun, Deno, Workers) gets a message that says so.
 */
async function openFile(path: string): Promise<SqliteDatabase> {
  const { default: Sqlite } = await importDriver<{ default: typeof import('better-sqlite3') }>(
    'better-sqlite3',
    'the default SQLite store needs better-sqlite3, a Node.js native addon, which could not be loaded here. ' +
      'Install it with npm on Node.js 20 or later, or pass `database` a Store of your own',
  )
  const database = new Sqlite(path)
  try {
    // A new file gives pages that compactions and prunes free back to the disk (see
    // SqliteStore#returnFreePages); one with pages already keeps its setting (VACUUM changes it).
    if (Number(database.pragma('page_count', { simple: true })) === 0) database.pragma('auto_vacuum = INCREMENTAL')
    // WAL lets the dashboard read while the recorder writes, and several app processes share the
    // file; NORMAL sync is durable across app crashes in WAL mode and much faster than FULL.
    database.pragma('journal_mode = WAL')
    database.pragma('synchronous = NORMAL')
    database.pragma('busy_timeout = 5000')
  } catch (error) {
    database.close()
    throw error
  }
  return database
}
