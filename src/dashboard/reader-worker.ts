// The worker thread behind ReaderThread: answers the dashboard's reads from its own connection to
// the SQLite file, so that no query, however long, runs on the app's thread.
import { parentPort, workerData } from 'node:worker_threads'
import { openStore, type TableName } from '../store/open-store.js'
import type { ReaderReply, ReaderRequest } from './reader-thread.js'

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
        : 'after' in request
          ? store.requestsAfter(request.after.query, request.after.row, request.after.limit)
          : store.close()
  answer.then(
    (value) => port.postMessage({ id: request.id, value } satisfies ReaderReply),
    (error: unknown) => port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies ReaderReply),
  )
})
