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
/**
 * Columns null in most requests (no error, no referrer, no instance or version configured). Each
 * bound value costs about a twentieth of a row, so rows null in one of these throughout are
 * inserted by a statement that leaves it out: the column's default is null.
 */
const SPARSE = ['exception', 'referrer', 'instance', 'version'] as const
/** The columns every INSERT names, in the order {@link CompactRowWriter.#put} writes them; the sparse ones present follow. */
const DENSE = INSERT_COLUMNS.filter((column) => !(SPARSE as readonly string[]).includes(column))
const DENSE_COUNT = DENSE.length

/** An INSERT of some rows naming some sparse columns, and its parameters, reused. */
interface Insert {
  statement: Statement
  values: unknown[]
}

/** The {@link SPARSE} columns `r` has a value in, a bit each in that order. */
function sparseColumns(r: RequestRecord): number {
  return (r.exception === null ? 0 : 1) | (r.referrer === null ? 0 : 2) | (r.instance === null ? 0 : 4) | (r.version === null ? 0 : 8)
}

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
  readonly #sqlite: SqliteDatabase
  readonly #rowTable: string
  /**
   * INSERTs of one row or {@link ROWS_PER_INSERT} rows (a batch goes in as many of the second as
   * fit), by those and the sparse columns they name (a bit each): prepared on first use.
   */
  readonly #inserts = new Map<number, Insert>()
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
    this.#sqlite = sqlite
    this.#rowTable = names.rows
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
    for (let start = 0; start < whole; start += ROWS_PER_INSERT) this.#insert(records, start, ROWS_PER_INSERT)
    for (let i = whole; i < records.length; i++) this.#insert(records, i, 1)
  }

  /** Inserts `rows` records from `start` in one statement, naming the sparse columns they use. */
  #insert(records: readonly RequestRecord[], start: number, rows: number): void {
    let sparse = 0
    for (let i = start; i < start + rows; i++) sparse |= sparseColumns(records[i] as RequestRecord)
    const { statement, values } = this.#prepared(rows, sparse)
    const width = values.length / rows
    for (let i = 0; i < rows; i++) this.#put(values, i * width, records[start + i] as RequestRecord, sparse)
    statement.run(values)
  }

  #prepared(rows: number, sparse: number): Insert {
    const key = rows * (1 << SPARSE.length) + sparse
    let insert = this.#inserts.get(key)
    if (insert === undefined) {
      const columns = [...DENSE, ...SPARSE.filter((_, bit) => (sparse & (1 << bit)) !== 0)]
      const row = `(${columns.map(() => '?').join(', ')})`
      const statement = this.#sqlite.prepare(
        `insert into "${this.#rowTable}" (${columns.map((column) => `"${column}"`).join(', ')}) values ${Array(rows).fill(row).join(', ')}`,
      )
      insert = { statement, values: new Array(rows * columns.length) }
      this.#inserts.set(key, insert)
    }
    return insert
  }

  /** `r`'s values into `values` from `at`: the {@link DENSE} columns, then the `sparse` ones. */
  #put(values: unknown[], at: number, r: RequestRecord, sparse: number): void {
    const date = Math.trunc(r.date)
    values[at] = r.response_time
    values[at + 1] = date
    values[at + 2] = this.#id(r.method, date)
    values[at + 3] = r.size
    values[at + 4] = r.status_code
    values[at + 5] = this.#id(r.path, date)
    values[at + 6] = this.#id(r.user_agent, date)
    values[at + 7] = r.remote_address
    values[at + 8] = this.#id(r.browser, date)
    values[at + 9] = this.#id(r.platform, date)
    values[at + 10] = this.#id(r.mimetype, date)
    values[at + 11] = r.bot ? 1 : 0
    values[at + 12] = this.#id(r.route, date)
    let next = at + DENSE_COUNT
    if ((sparse & 1) !== 0) values[next++] = this.#id(r.exception, date)
    if ((sparse & 2) !== 0) values[next++] = this.#id(r.referrer, date)
    if ((sparse & 4) !== 0) values[next++] = this.#id(r.instance, date)
    if ((sparse & 8) !== 0) values[next] = this.#id(r.version, date)
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
