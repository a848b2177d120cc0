// The worker thread behind ReaderThread: answers the dashboard's reads from its own connection to
// the SQLite file, so that no query, however long, runs on the app's thread.
import { parentPort, workerData } from 'node:worker_threads'
import { openStore, type TableName } from '../store/open-store.js'
import { errorReply } from '../thread/worker-channel.js'
import { type ExportPage, readExportPage } from './export-page.js'
import type { ReaderReply, ReaderRequest } from './reader-thread.js'
import { PLAIN_READS, type PlainRead } from './dashboard-reads.js'

const port = parentPort
if (port === null) throw new Error('statgraph: reader-worker runs only as a worker thread')
const data = workerData as TableName & { database: string }
const store = openStore(data.database, data)

port.on('message', (request: ReaderRequest) => {
  const answer: Promise<unknown> =
    'stats' in request
      ? store.stats(request.stats)
      : 'requests' in request
        ? store.requests(request.requests)
        : 'search' in request
          ? store.search(request.search)
          : 'exportPage' in request
            ? readExportPage(store, request.exportPage.query, request.exportPage.after, request.exportPage.limit, request.exportPage.format)
            : 'call' in request
              ? plainRead(request.call, request.args)
              : store.close()
  answer.then(
    // An export page's bytes move to the app's thread rather than being copied.
    (value) => port.postMessage({ id: request.id, value } satisfies ReaderReply, isExportPage(value) ? [value.bytes.buffer as ArrayBuffer] : []),
    (error: unknown) => port.postMessage(errorReply(request.id, error) satisfies ReaderReply),
  )
})

function plainRead(name: PlainRead, args: unknown[]): Promise<unknown> {
  if (!PLAIN_READS.includes(name)) return Promise.reject(new Error(`statgraph: the reader thread has no read "${String(name)}"`))
  return (store[name] as (...given: unknown[]) => Promise<unknown>).apply(store, args)
}

function isExportPage(value: unknown): value is ExportPage {
  return (value as Partial<ExportPage> | undefined)?.bytes instanceof Uint8Array
}
