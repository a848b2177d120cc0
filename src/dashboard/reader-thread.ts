import type { RequestsQuery } from '../stats/query/requests-query.js'
import type { StatsQuery } from '../stats/query/stats-query.js'
import type { SearchQuery } from '../stats/query/search-query.js'
import type { BreakdownEntry, StoreStats } from '../stats/answer/stats.js'
import type { TableName } from '../store/open-store.js'
import type { RequestPage, RequestRow } from '../stats/answer/request-page.js'
import { WorkerChannel, type WorkerReply } from '../thread/worker-channel.js'
import { findWorkerFile } from '../thread/worker-file.js'
import type { DashboardReads, PlainRead } from './dashboard-reads.js'
import type { Annotation, Release } from '../stats/answer/release.js'
import type { RuntimeReport } from '../stats/runtime/runtime-sample.js'
import type { ExportFormat, ExportPage } from './export-page.js'

/** A read for the worker. */
export type ReaderRequest =
  | { id: number; stats: StatsQuery }
  | { id: number; requests: Omit<RequestsQuery, 'format'> }
  | { id: number; search: SearchQuery }
  | { id: number; exportPage: { query: Omit<RequestsQuery, 'format'>; after: RequestRow | undefined; limit: number; format: ExportFormat } }
  | { id: number; call: PlainRead; args: unknown[] }
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
export class ReaderThread implements DashboardReads {
  readonly #channel: WorkerChannel<ReaderRequest, ReaderReply>

  /** The worker module's file, if it can be found (see `findWorkerFile`). */
  static file(): URL | undefined {
    return findWorkerFile('reader-worker', import.meta.url)
  }

  /** `file`: from {@link ReaderThread.file}. */
  constructor(file: URL, data: TableName & { database: string }) {
    // A small young generation: an export's pages are garbage at once, collected early rather than
    // grown into (an export of 100,000 long rows grew the app by 90 MB with V8's default, 55 with this).
    this.#channel = new WorkerChannel(file, data, { maxYoungGenerationSizeMb: 4 })
  }

  async stats(query: StatsQuery): Promise<StoreStats> {
    return (await this.#channel.request({ stats: query })).value as StoreStats
  }

  async search(query: SearchQuery): Promise<BreakdownEntry<string>[]> {
    return (await this.#channel.request({ search: query })).value as BreakdownEntry<string>[]
  }

  async requests(query: Omit<RequestsQuery, 'format'>): Promise<RequestPage> {
    return (await this.#channel.request({ requests: query })).value as RequestPage
  }

  async releases(): Promise<Release[]> {
    return (await this.#channel.request({ call: 'releases', args: [] })).value as Release[]
  }

  async annotations(from: number, to: number): Promise<Annotation[]> {
    return (await this.#channel.request({ call: 'annotations', args: [from, to] })).value as Annotation[]
  }

  async runtime(from: number, to: number, width: number): Promise<RuntimeReport> {
    return (await this.#channel.request({ call: 'runtime', args: [from, to, width] })).value as RuntimeReport
  }

  /** A page of an export, its bytes made in the worker and handed over without a copy. */
  async exportPage(query: Omit<RequestsQuery, 'format'>, after: RequestRow | undefined, limit: number, format: ExportFormat): Promise<ExportPage> {
    return (await this.#channel.request({ exportPage: { query, after, limit, format } })).value as ExportPage
  }

  /** Closes the worker's connection and ends the worker. */
  close(): Promise<void> {
    return this.#channel.close({ close: true })
  }
}
