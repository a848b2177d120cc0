import type { Statement } from 'better-sqlite3'
import type { RequestRecord } from '../../record/request-record.js'
import { INSERT_COLUMNS } from '../kysely/request-table.js'
import { compactTableNames } from './compact-rows.js'
import type { SqliteDatabase } from './sqlite-store.js'

// Past this many, the remembered ids are forgotten: a flood of distinct paths costs no memory.
const MAX_REMEMBERED = 50_000
/**
 * Rows per INSERT: each statement run costs about as much as inserting a row, and fifty rows a
 * statement halved the writer thread's time per row (more gained little).
 */
const ROWS_PER_INSERT = 50
const COLUMNS = INSERT_COLUMNS.length

/**
 * Writes records as compact rows (see `compactRows`) through prepared statements, one per row, with
 * each text's dictionary id remembered once the transaction that made it or found it committed:
 * ids are never reused or changed, but an id made by a transaction rolled back never existed.
 */
export class CompactRowWriter {
  /** One row, and {@link ROWS_PER_INSERT} rows: a batch goes in as many of the second as fit. */
  readonly #insertOne: Statement
  readonly #insertMany: Statement
  /** The parameters of each, reused. */
  readonly #many: unknown[] = new Array(ROWS_PER_INSERT * COLUMNS)
  readonly #one: unknown[] = new Array(COLUMNS)
  readonly #find: Statement<[string], number>
  readonly #add: Statement<[string]>
  readonly #ids = new Map<string, number>()
  /** Ids this transaction found or made: remembered if it commits. */
  readonly #pending = new Map<string, number>()

  constructor(sqlite: SqliteDatabase, table: string) {
    const names = compactTableNames(table)
    const insert = (rows: number) =>
      sqlite.prepare(
        `insert into "${names.rows}" (${INSERT_COLUMNS.map((column) => `"${column}"`).join(', ')}) values ${Array(rows)
          .fill(`(${INSERT_COLUMNS.map(() => '?').join(', ')})`)
          .join(', ')}`,
      )
    this.#insertOne = insert(1)
    this.#insertMany = insert(ROWS_PER_INSERT)
    this.#find = sqlite.prepare<[string], number>(`select id from "${names.text}" where value = ?`).pluck()
    this.#add = sqlite.prepare<[string]>(`insert into "${names.text}" (value) values (?)`)
  }

  /** Inserts `records`, in order, inside the caller's transaction. */
  write(records: readonly RequestRecord[]): void {
    const whole = records.length - (records.length % ROWS_PER_INSERT)
    for (let start = 0; start < whole; start += ROWS_PER_INSERT) {
      for (let i = 0; i < ROWS_PER_INSERT; i++) this.#put(this.#many, i * COLUMNS, records[start + i] as RequestRecord)
      this.#insertMany.run(this.#many)
    }
    for (let i = whole; i < records.length; i++) {
      this.#put(this.#one, 0, records[i] as RequestRecord)
      this.#insertOne.run(this.#one)
    }
  }

  /** `r`'s values into `values` from `at`, in INSERT_COLUMNS order. */
  #put(values: unknown[], at: number, r: RequestRecord): void {
    // biome-ignore format: one column a line would hide the order
    values[at] = r.response_time;
    values[at + 1] = Math.trunc(r.date)
    values[at + 2] = this.#id(r.method)
    values[at + 3] = r.size
    values[at + 4] = r.status_code
    values[at + 5] = this.#id(r.path)
    values[at + 6] = this.#id(r.user_agent)
    values[at + 7] = r.remote_address
    values[at + 8] = this.#id(r.exception)
    values[at + 9] = this.#id(r.referrer)
    values[at + 10] = this.#id(r.browser)
    values[at + 11] = this.#id(r.platform)
    values[at + 12] = this.#id(r.mimetype)
    values[at + 13] = r.bot ? 1 : 0
    values[at + 14] = this.#id(r.route)
    values[at + 15] = this.#id(r.instance)
    values[at + 16] = this.#id(r.version)
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
