import type { RequestsQuery } from '../stats/query/requests-query.js'
import type { RequestRow } from '../stats/answer/request-page.js'
import { toCsv } from './csv.js'
import { REQUEST_COLUMNS } from './export-row.js'
import type { DashboardReads } from './dashboard-reads.js'
import type { ExportFormat } from './export-page.js'

/** Rows read per step of an export: a page of long, quote-filled rows stays under half a megabyte. */
const PAGE_ROWS = 50

/**
 * The rows of `query` (its limit and offset too), newest first, as a CSV or NDJSON body read one
 * page at a time as the client takes it: memory stays flat at any size, and a slow client holds up
 * only its own reads. A read that fails midway ends the body with an error (the client sees a cut
 * answer, never a short file that looks whole).
 */
export function exportStream(
  reads: Pick<DashboardReads, 'exportPage'>,
  query: Omit<RequestsQuery, 'format'>,
  format: ExportFormat,
): ReadableStream<Uint8Array> {
  let left = query.limit
  let last: RequestRow | undefined
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (format === 'csv') controller.enqueue(new TextEncoder().encode(toCsv(REQUEST_COLUMNS, [])))
      },
      async pull(controller) {
        const page = left === 0 ? undefined : await reads.exportPage(query, last, Math.min(PAGE_ROWS, left), format)
        if (page === undefined || page.count === 0) {
          controller.close()
          return
        }
        left -= page.count
        last = page.last
        controller.enqueue(page.bytes)
      },
    },
    // One page ahead at most.
    { highWaterMark: 1 },
  )
}
