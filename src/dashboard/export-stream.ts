import type { RequestsQuery } from '../stats/requests-query.js'
import type { RequestRow, Store } from '../store/store.js'
import { csvRows, REQUEST_COLUMNS, toCsv } from './csv.js'

/** Rows read per step of an export: a page of long, quote-filled rows stays a few megabytes. */
const PAGE_ROWS = 500

/** The formats an export streams in. */
export type ExportFormat = 'csv' | 'ndjson'

/**
 * The rows of `query` (its limit and offset too), newest first, as a CSV or NDJSON body read one
 * page at a time as the client takes it: memory stays flat at any size, and a slow client holds up
 * only its own reads. A read that fails midway ends the body with an error (the client sees a cut
 * answer, never a short file that looks whole).
 */
export function exportStream(store: Pick<Store, 'requests' | 'requestsAfter'>, query: Omit<RequestsQuery, 'format'>, format: ExportFormat): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  let left = query.limit
  let last: RequestRow | undefined
  let started = false
  const nextPage = async (): Promise<RequestRow[]> => {
    const size = Math.min(PAGE_ROWS, left)
    if (size === 0) return []
    // Skipping rows costs one offset query, at the start; every later page follows the last row.
    if (last === undefined && query.offset > 0) return (await store.requests({ ...query, limit: size })).rows
    return store.requestsAfter(query, last, size)
  }
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const header = started || format !== 'csv' ? '' : toCsv(REQUEST_COLUMNS, [])
        started = true
        const rows = await nextPage()
        if (rows.length === 0) {
          if (header !== '') controller.enqueue(encoder.encode(header))
          controller.close()
          return
        }
        left -= rows.length
        last = rows[rows.length - 1]
        const lines = rows as unknown as Record<string, unknown>[]
        const text = format === 'csv' ? csvRows(REQUEST_COLUMNS, lines) : lines.map((row) => `${JSON.stringify(row)}\n`).join('')
        controller.enqueue(encoder.encode(header + text))
      },
    },
    // One page ahead at most.
    { highWaterMark: 1 },
  )
}
