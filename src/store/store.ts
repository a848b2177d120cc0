import type { RequestRecord } from '../record/request-record.js'
import type { ImportedContent, ImportStep } from './imported-content.js'
import type { RequestsQuery, RowsQuery } from '../stats/query/requests-query.js'
import type { SearchQuery } from '../stats/query/search-query.js'
import type { StatsQuery } from '../stats/query/stats-query.js'
import type { BreakdownEntry, StoreStats } from '../stats/answer/stats.js'
import type { RequestPage, RequestRow } from '../stats/answer/request-page.js'
import type { Annotation, Release } from '../stats/answer/release.js'
import type { AlertStore } from './alert-store.js'
import type { RuntimeReport, RuntimeSample } from '../stats/runtime/runtime-sample.js'

/** How a batch is written. */
export interface InsertOptions {
  /**
   * The batch's id (the writing process and a sequence number), the same on every retry of that
   * batch: a store that finds it committed before skips the batch. Default: a new id.
   */
  id?: string
  /** The log lines this batch imports, recorded in its transaction (see `statgraph import`). */
  imported?: ImportStep
}

/**
 * Where records live. One implementation per database engine (`store/sqlite/`, …); every one
 * passes the same conformance tests. Methods may be called before `migrate()` has finished: a store
 * waits for its own migration.
 */
export interface Store {
  /** Creates or upgrades the table; safe to call again and from several processes. */
  migrate(): Promise<void>
  /** Writes `records` in one transaction: all of them or none, and a batch of a given `id` once. */
  insertBatch(records: readonly RequestRecord[], options?: InsertOptions): Promise<void>
  /** Answers the dashboard's stats query. */
  stats(query: StatsQuery): Promise<StoreStats>
  /** The values of a column that contain a text, the most requested first (the page's table search). */
  search(query: SearchQuery): Promise<BreakdownEntry<string>[]>
  /** Raw rows, newest first. */
  requests(query: Omit<RequestsQuery, 'format'>): Promise<RequestPage>
  /**
   * The next `limit` rows in the order of {@link requests}, after the row `after` (the last one the
   * previous call gave; none: from the newest): an export reads a page at a time, at any depth.
   */
  requestsAfter(query: RowsQuery, after: RequestRow | undefined, limit: number): Promise<RequestRow[]>
  /** Deletes raw rows that arrived before `before` (ms since the epoch); returns how many. Rollups stay. */
  prune(before: number): Promise<number>
  /** Deletes the rollups of buckets that ended before `before`; returns how many cells. */
  pruneRollups(before: number): Promise<number>
  /** Releases what the store opened itself (never a database handle the app passed in). */
  close(): Promise<void>
  /** Whether the table exists, checked without creating anything (the CLI's read commands). */
  exists(): Promise<boolean>
  /** Every row of the range and filters, oldest first, `pageSize` at a time (`statgraph export`). */
  eachPage(query: RowsQuery, pageSize?: number): AsyncGenerator<RequestRow[]>
  /** The log contents imported before whose first line hashes to `head` (`statgraph import`). */
  importedContents(head: string): Promise<ImportedContent[]>
  /** Every version of the app recorded, with when it was first and last seen, the oldest first. */
  releases(): Promise<Release[]>
  /** Adds a note at instant `at` (ms) to the time axis. */
  annotate(at: number, text: string): Promise<void>
  /** The notes in [from, to) ms, oldest first. */
  annotations(from: number, to: number): Promise<Annotation[]>
  /** Writes runtime samples; a sample written before is skipped. */
  insertRuntime(samples: readonly RuntimeSample[]): Promise<void>
  /** Alert state shared by the app's instances: lease, alerts, notifications (see the `alerts` option). */
  alerts(): AlertStore
  /** The runtime samples in [from, to) ms merged per `width` ms per instance, and each instance's latest sample. */
  runtime(from: number, to: number, width: number): Promise<RuntimeReport>
}
