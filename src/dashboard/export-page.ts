import type { RequestsQuery } from '../stats/query/requests-query.js'
import type { RequestRow } from '../stats/answer/request-page.js'
import type { Store } from '../store/store.js'
import { csvRows } from './csv.js'
import { exportRow, REQUEST_COLUMNS } from './export-row.js'

/** The formats an export streams in. */
export type ExportFormat = 'csv' | 'ndjson'

/** One page of an export, ready to send: its bytes, and the last row, where the next page starts. */
export interface ExportPage {
  bytes: Uint8Array
  last: RequestRow | undefined
  count: number
}

const encoder = new TextEncoder()

/**
 * The `limit` rows of `query` after `after` (none: its first, past its offset) as CSV lines
 * (without the header) or NDJSON: made where the rows are read, so that a reader thread hands the
 * app's thread bytes alone.
 */
export async function readExportPage(
  store: Pick<Store, 'requests' | 'requestsAfter'>,
  query: Omit<RequestsQuery, 'format'>,
  after: RequestRow | undefined,
  limit: number,
  format: ExportFormat,
): Promise<ExportPage> {
  // Skipping rows costs one offset query, at the start; every later page follows the last row.
  const rows = after === undefined && query.offset > 0 ? (await store.requests({ ...query, limit })).rows : await store.requestsAfter(query, after, limit)
  const lines = rows.map(exportRow)
  const text = format === 'csv' ? csvRows(REQUEST_COLUMNS, lines) : lines.map((row) => `${JSON.stringify(row)}\n`).join('')
  return { bytes: encoder.encode(text), last: rows.at(-1), count: rows.length }
}
