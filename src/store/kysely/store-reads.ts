import type { Kysely, RawBuilder } from 'kysely'
import type { BreakdownEntry, StoreStats } from '../../stats/answer/stats.js'
import type { RequestPage, RequestRow } from '../../stats/answer/request-page.js'
import type { RequestsQuery, RowsQuery } from '../../stats/query/requests-query.js'
import type { SearchQuery } from '../../stats/query/search-query.js'
import type { StatsQuery } from '../../stats/query/stats-query.js'
import { statsFromRollups } from '../rollup-cells.js'
import { RawStats } from './raw-stats.js'
import { RequestRows } from './request-rows.js'
import { RollupReader } from './rollup-reader.js'
import { rawRows } from './rollup-sources.js'
import type { RollupTables } from './rollup-tables.js'
import { rowsWhere } from './rows-where.js'
import type { SqlFlavor } from './sql-flavor.js'
import { searchValues } from './value-search.js'

/**
 * What a store reads, once its tables are there: the dashboard's answer, pages of raw rows and the
 * values a search finds, from `source` — the raw rows with the record's columns wherever they live
 * (see `RawLayout`), dates as `flavor` reads them — and the rollup tables.
 */
export class StoreReads {
  readonly #db: Kysely<unknown>
  readonly #source: RawBuilder<unknown>
  readonly #flavor: SqlFlavor
  readonly #rollups: RollupReader
  readonly #raw: RawStats
  readonly #rows: RequestRows

  constructor(db: Kysely<unknown>, tables: RollupTables, source: RawBuilder<unknown>, flavor: SqlFlavor) {
    this.#db = db
    this.#source = source
    this.#flavor = flavor
    this.#rollups = new RollupReader(db, tables, rawRows(db, source, flavor))
    this.#raw = new RawStats(db, source, flavor)
    this.#rows = new RequestRows(db, source, flavor)
  }

  /**
   * The dashboard's answer: from rollups without filters (see `statsFromRollups`), from the raw
   * rows, exactly, for filtered queries and minute points.
   */
  stats(query: StatsQuery): Promise<StoreStats> {
    const filtered = Object.values(query.filters).some((value) => value !== undefined)
    if (filtered || query.bucket === 'minute') return this.statsFromRaw(query)
    return statsFromRollups(this.#rollups, { ...query, bucket: query.bucket })
  }

  /** The dashboard's answer from the raw rows alone, exactly. */
  statsFromRaw(query: StatsQuery): Promise<StoreStats> {
    return this.#raw.answer(query, rowsWhere(this.#flavor, query))
  }

  search(query: SearchQuery): Promise<BreakdownEntry<string>[]> {
    return searchValues(this.#db, this.#source, this.#flavor, query)
  }

  /** One page of rows, newest first, and how many match. */
  page(query: Omit<RequestsQuery, 'format'>): Promise<RequestPage> {
    return this.#rows.page(query)
  }

  /** The next `limit` rows after `after`, as {@link page} lists them (keyset). */
  after(query: RowsQuery, after: RequestRow | undefined, limit: number): Promise<RequestRow[]> {
    return this.#rows.after(query, after, limit)
  }

  /** Every row of the range and filters, oldest first by row id, `pageSize` at a time. */
  each(query: RowsQuery, pageSize: number): AsyncGenerator<RequestRow[]> {
    return this.#rows.each(query, pageSize)
  }
}
