import type { RequestsQuery } from '../stats/query/requests-query.js'
import type { RequestRow } from '../stats/answer/request-page.js'
import type { Store } from '../store/store.js'
import { type ExportFormat, type ExportPage, readExportPage } from './export-page.js'

/** What the dashboard reads: the store's answers, and exports a page at a time. */
export interface DashboardReads extends Pick<Store, 'stats' | 'requests' | 'search'> {
  exportPage(query: Omit<RequestsQuery, 'format'>, after: RequestRow | undefined, limit: number, format: ExportFormat): Promise<ExportPage>
}

/** The dashboard's reads straight from `store`, on this thread: for engines that answer asynchronously. */
export function storeReads(store: Store): DashboardReads {
  return {
    stats: (query) => store.stats(query),
    requests: (query) => store.requests(query),
    search: (query) => store.search(query),
    exportPage: (query, after, limit, format) => readExportPage(store, query, after, limit, format),
  }
}
