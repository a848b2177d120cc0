import type { Statement } from 'better-sqlite3'
import type { RequestRecord } from '../../record/request-record.js'
import { INSERT_COLUMNS } from '../kysely/request-table.js'
import { compactTableNames } from './compact-rows.js'
import type { SqliteDatabase } from './sqlite-store.js'

// Past this many, the remembered ids are forgotten: a flood of distinct paths costs no memory.
const MAX_REMEMBERED = 50_000

/**
 * Writes records as compact rows (see `compactRows`) through prepared statements, one per row, with
 * each text's dictionary id remembered once the transaction that made it or found it committed:
 * ids are never reused or changed, but an id made by a transaction rolled back never existed.
 */
export class CompactRowWriter {
  readonly #insert: Statement
  readonly #find: Statement<[string], number>
  readonly #add: Statement<[string]>
  readonly #ids = new Map<string, number>()
  /** Ids this transaction found or made: remembered if it commits. */
  readonly #pending = new Map<string, number>()

  constructor(sqlite: SqliteDatabase, table: string) {
    const names = compactTableNames(table)
    this.#insert = sqlite.prepare(
      `insert into "${names.rows}" (${INSERT_COLUMNS.map((column) => `"${column}"`).join(', ')}) values (${INSERT_COLUMNS.map(() => '?').join(', ')})`,
    )
    this.#find = sqlite.prepare<[string], number>(`select id from "${names.text}" where value = ?`).pluck()
    this.#add = sqlite.prepare<[string]>(`insert into "${names.text}" (value) values (?)`)
  }

  /** Inserts `records`, inside the caller's transaction. */
  write(records: readonly RequestRecord[]): void {
    // In INSERT_COLUMNS order.
    for (const r of records) {
      // biome-ignore format: one row, one line
      this.#insert.run(r.response_time, Math.trunc(r.date), this.#id(r.method), r.size, r.status_code, this.#id(r.path), this.#id(r.user_agent), r.remote_address, this.#id(r.exception), this.#id(r.referrer), this.#id(r.browser), this.#id(r.platform), this.#id(r.mimetype), r.bot ? 1 : 0, this.#id(r.route), this.#id(r.instance), this.#id(r.version))
    }
  }

  /** The transaction committed: its ids are the dictionary's for good. */
  committed(): void {
    if (this.#ids.size + this.#pending.size > MAX_REMEMBERED) this.#ids.clear()
    for (const [text, id] of this.#pending) this.#ids.set(text, id)
    this.#pending.clear()
  }

  /** The transaction rolled back: ids it made are gone. */
  rolledBack(): void {
    this.#pending.clear()
  }

  #id(text: string | null): number | null {
    if (text === null) return null
    const known = this.#ids.get(text) ?? this.#pending.get(text)
    if (known !== undefined) return known
    const id = this.#find.get(text) ?? Number(this.#add.run(text).lastInsertRowid)
    this.#pending.set(text, id)
    return id
  }
}
