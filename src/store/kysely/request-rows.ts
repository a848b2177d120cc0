import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { RequestsQuery, RowsQuery } from '../../stats/query/requests-query.js'
import type { RequestPage, RequestRow } from '../../stats/answer/request-page.js'
import { INSERT_COLUMNS } from './request-table.js'
import { rowsWhere } from './rows-where.js'
import type { SqlFlavor } from './sql-flavor.js'
import { nullableNumber } from './sql-values.js'

/** The columns a row lists besides `index` and `date`, which need their own handling. */
const ROW_COLUMNS = INSERT_COLUMNS.filter((column) => column !== 'date')

/** Reads raw rows as the API lists them: pages for the table view, keyset pages for exports. */
export class RequestRows {
  readonly #db: Kysely<unknown>
  readonly #table: RawBuilder<unknown>
  readonly #flavor: SqlFlavor
  readonly #columns: RawBuilder<unknown>

  constructor(db: Kysely<unknown>, table: RawBuilder<unknown>, flavor: SqlFlavor) {
    this.#db = db
    this.#table = table
    this.#flavor = flavor
    this.#columns = sql`${sql.ref('index')}, ${sql.join(ROW_COLUMNS.map((column) => sql.ref(column)))}, ${flavor.readDate(sql.ref('date'))} as date`
  }

  /** One page, newest first, and how many rows match in all. */
  async page(query: Omit<RequestsQuery, 'format'>): Promise<RequestPage> {
    const where = rowsWhere(this.#flavor, query)
    const total = (await sql<{ total: number | string }>`select count(*) as total from ${this.#table} where ${where}`.execute(this.#db)).rows[0]?.total
    const { rows } = await sql<Record<string, unknown>>`
      select ${this.#columns} from ${this.#table} where ${where}
      order by date desc, ${sql.ref('index')} desc limit ${query.limit} offset ${query.offset}`.execute(this.#db)
    return { total: Number(total ?? 0), rows: rows.map((row) => this.#toRow(row)) }
  }

  /**
   * The next `limit` rows, newest first as {@link page} lists them, after the row `after` (the last
   * of the previous call; none: from the newest): one short query per call whatever the depth
   * (keyset, not offset), so that an export of any size streams in flat memory.
   */
  async after(query: RowsQuery, after: RequestRow | undefined, limit: number): Promise<RequestRow[]> {
    const index = sql.ref('index')
    const { rows } = await sql<Record<string, unknown>>`
      select ${this.#columns} from ${this.#table} where ${after === undefined ? sql`` : sql`${this.#before(after)} and`} ${rowsWhere(this.#flavor, query)}
      order by date desc, ${index} desc limit ${limit}`.execute(this.#db)
    return rows.map((row) => this.#toRow(row))
  }

  /**
   * The rows listed after `row`. Its date is compared as the table holds it: `row.date` is to the
   * millisecond, and rows written with microseconds (Flask-Statgraph's) would be skipped or repeated
   * at a page's edge; only a row deleted meanwhile (a prune) leaves the millisecond. The bound on
   * the millisecond after comes first: SQLite bounds its date index scan by the first of several
   * bounds it is given, and scanning from the range's end made each page cost what the pages
   * before it had.
   */
  #before(row: RequestRow): RawBuilder<unknown> {
    const index = sql.ref('index')
    const ms = Date.parse(row.date)
    const stored = sql`coalesce((select date from ${this.#table} where ${index} = ${row.index}), ${this.#flavor.toDate(ms)})`
    return sql`date < ${this.#flavor.toDate(ms + 1)} and (date < ${stored} or (date = ${stored} and ${index} < ${row.index}))`
  }

  /**
   * Every row of the range and filters, oldest first by row id, `pageSize` at a time: one short
   * query per page (keyset, not offset), so memory stays flat at any table size.
   */
  async *each(query: RowsQuery, pageSize = 5000): AsyncGenerator<RequestRow[]> {
    const index = sql.ref('index')
    for (let after = -1; ; ) {
      const { rows } = await sql<Record<string, unknown>>`
        select ${this.#columns} from ${this.#table} where ${rowsWhere(this.#flavor, query)} and ${index} > ${after}
        order by ${index} limit ${pageSize}`.execute(this.#db)
      if (rows.length === 0) return
      const page = rows.map((row) => this.#toRow(row))
      after = page[page.length - 1]?.index as number
      yield page
    }
  }

  /** A date the table holds as ISO 8601. */
  isoDate(value: unknown): string {
    return new Date(this.#flavor.fromDate(value)).toISOString()
  }

  #toRow(row: Record<string, unknown>): RequestRow {
    return {
      ...(row as unknown as RequestRow),
      index: Number(row.index),
      // Some drivers read bigint and numeric columns as strings.
      response_time: nullableNumber(row.response_time as number | string | null),
      size: Number(row.size),
      status_code: Number(row.status_code),
      date: this.isoDate(row.date),
      bot: Boolean(Number(row.bot)),
    }
  }
}
