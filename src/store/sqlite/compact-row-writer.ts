import type { Statement } from 'better-sqlite3'
import type { RequestRecord } from '../../record/request-record.js'
import { INSERT_COLUMNS } from '../kysely/request-table.js'
import { compactTableNames, LAST_USE_SLACK_MS } from './compact-rows.js'
import type { SqliteDatabase } from './sqlite-store.js'

// Past this many, the remembered ids are forgotten: a flood of distinct paths costs no memory.
const MAX_REMEMBERED = 50_000
/**
 * Rows per INSERT: each statement run costs about as much as inserting a row, and fifty rows a
 * statement halved the writer thread's time per row (more gained little).
 */
const ROWS_PER_INSERT = 50
const COLUMNS = INSERT_COLUMNS.length

/** A text's id, and the latest use of it the dictionary is known to hold (ms). */
interface Known {
  id: number
  last: number
}

/**
 * Writes records as compact rows (see `compactRows`) through prepared statements, with each text's
 * dictionary id remembered once the transaction that made it or found it committed: an id made by
 * a transaction rolled back never existed. Each text's latest use is kept up to within
 * {@link LAST_USE_SLACK_MS}, for prunes; once a prune has deleted texts (on any connection), the
 * writer forgets every id it remembered.
 */
export class CompactRowWriter {
  /** One row, and {@link ROWS_PER_INSERT} rows: a batch goes in as many of the second as fit. */
  readonly #insertOne: Statement
  readonly #insertMany: Statement
  /** The parameters of each, reused. */
  readonly #many: unknown[] = new Array(ROWS_PER_INSERT * COLUMNS)
  readonly #one: unknown[] = new Array(COLUMNS)
  readonly #find: Statement<[string], number>
  readonly #add: Statement<[string, number]>
  readonly #touch: Statement<[number, number]>
  readonly #sweeps: Statement<[], number>
  /** The dictionary's sweeps when the ids were remembered. */
  #sweepsSeen: number | undefined
  readonly #ids = new Map<string, Known>()
  /** Ids and uses this transaction found, made or noted: remembered if it commits. */
  readonly #pending = new Map<string, Known>()

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
    this.#add = sqlite.prepare<[string, number]>(`insert into "${names.text}" (value, last) values (?, ?)`)
    this.#touch = sqlite.prepare<[number, number]>(`update "${names.text}" set last = max(last, ?) where id = ?`)
    this.#sweeps = sqlite.prepare<[], number>(`select n from "${names.sweeps}"`).pluck()
  }

  /** Inserts `records`, in order, inside the caller's transaction. */
  write(records: readonly RequestRecord[]): void {
    const sweeps = this.#sweeps.get()
    if (sweeps !== this.#sweepsSeen) {
      this.#ids.clear()
      this.#sweepsSeen = sweeps
    }
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
    const date = Math.trunc(r.date)
    values[at] = r.response_time
    values[at + 1] = date
    values[at + 2] = this.#id(r.method, date)
    values[at + 3] = r.size
    values[at + 4] = r.status_code
    values[at + 5] = this.#id(r.path, date)
    values[at + 6] = this.#id(r.user_agent, date)
    values[at + 7] = r.remote_address
    values[at + 8] = this.#id(r.exception, date)
    values[at + 9] = this.#id(r.referrer, date)
    values[at + 10] = this.#id(r.browser, date)
    values[at + 11] = this.#id(r.platform, date)
    values[at + 12] = this.#id(r.mimetype, date)
    values[at + 13] = r.bot ? 1 : 0
    values[at + 14] = this.#id(r.route, date)
    values[at + 15] = this.#id(r.instance, date)
    values[at + 16] = this.#id(r.version, date)
  }

  /** The transaction committed: its ids are the dictionary's for good. */
  committed(): void {
    if (this.#ids.size + this.#pending.size > MAX_REMEMBERED) this.#ids.clear()
    for (const [text, known] of this.#pending) this.#ids.set(text, known)
    this.#pending.clear()
  }

  /** The transaction rolled back: ids it made are gone. */
  rolledBack(): void {
    this.#pending.clear()
  }

  /** The id of `text`, used by a row dated `date`. */
  #id(text: string | null, date: number): number | null {
    if (text === null) return null
    const known = this.#pending.get(text) ?? this.#ids.get(text)
    if (known !== undefined && date <= known.last + LAST_USE_SLACK_MS) return known.id
    let id = known?.id ?? this.#find.get(text)
    if (id === undefined) id = Number(this.#add.run(text, date).lastInsertRowid)
    else this.#touch.run(date, id)
    this.#pending.set(text, { id, last: Math.max(date, known?.last ?? date) })
    return id
  }
}
