import type { RequestsQuery, RowsQuery } from '../stats/requests-query.js'
import type { StatsQuery } from '../stats/stats-query.js'
import type { StoreStats } from '../stats/stats.js'
import type { TableName } from '../store/open-store.js'
import type { RequestPage, RequestRow, Store } from '../store/store.js'
import { WorkerChannel, type WorkerReply } from '../thread/worker-channel.js'

/** The reads the dashboard makes of a store. */
export type StoreReads = Pick<Store, 'stats' | 'requests' | 'requestsAfter'>

/** A read for the worker. */
export type ReaderRequest =
  | { id: number; stats: StatsQuery }
  | { id: number; requests: Omit<RequestsQuery, 'format'> }
  | { id: number; after: { query: RowsQuery; row: RequestRow | undefined; limit: number } }
  | { id: number; close: true }

/** The worker's answer: the read's value, or its error. */
export interface ReaderReply extends WorkerReply {
  value?: unknown
}

/**
 * The dashboard's reads of a SQLite file, answered by a worker thread with its own connection:
 * better-sqlite3 is synchronous, and a filtered view of a large table or an export would otherwise
 * hold up every request of the app while it runs. (WAL lets it read while the writer writes.)
 */
export class ReaderThread implements StoreReads {
  readonly #channel: WorkerChannel<ReaderRequest, ReaderReply>

  constructor(data: TableName & { database: string }) {
    this.#channel = new WorkerChannel('reader-worker', import.meta.url, data)
  }

  async stats(query: StatsQuery): Promise<StoreStats> {
    return (await this.#channel.request({ stats: query })).value as StoreStats
  }

  async requests(query: Omit<RequestsQuery, 'format'>): Promise<RequestPage> {
    return (await this.#channel.request({ requests: query })).value as RequestPage
  }

  async requestsAfter(query: RowsQuery, after: RequestRow | undefined, limit: number): Promise<RequestRow[]> {
    return (await this.#channel.request({ after: { query, row: after, limit } })).value as RequestRow[]
  }

  /** Closes the worker's connection and ends the worker. */
  close(): Promise<void> {
    return this.#channel.close({ close: true })
  }
}
