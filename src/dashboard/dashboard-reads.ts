import type { RequestsQuery } from '../stats/query/requests-query.js'
import type { RequestRow } from '../stats/answer/request-page.js'
import type { Store } from '../store/store.js'
import { type ExportFormat, type ExportPage, readExportPage } from './export-page.js'

/** The store's reads that take and give plain data, answered as they are. */
export const PLAIN_READS = ['releases', 'annotations', 'runtime'] as const
export type PlainRead = (typeof PLAIN_READS)[number]

/** What the dashboard reads: the store's answers, and exports a page at a time. */
export interface DashboardReads extends Pick<Store, 'stats' | 'requests' | 'search' | PlainRead> {
  exportPage(query: Omit<RequestsQuery, 'format'>, after: RequestRow | undefined, limit: number, format: ExportFormat): Promise<ExportPage>
}

/** The dashboard's reads straight from `store`, on this thread: for engines that answer asynchronously. */
export function storeReads(store: Store): DashboardReads {
  return {
    stats: (query) => store.stats(query),
    requests: (query) => store.requests(query),
    search: (query) => store.search(query),
    releases: () => store.releases(),
    annotations: (from, to) => store.annotations(from, to),
    runtime: (from, to, width) => store.runtime(from, to, width),
    exportPage: (query, after, limit, format) => readExportPage(store, query, after, limit, format),
  }
}
