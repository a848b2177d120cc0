// The worker thread behind WorkerWriter: turns request facts into records and writes them to the
// SQLite file, so neither the parsing nor the SQLite work runs on the app's thread.
import { parentPort, workerData } from 'node:worker_threads'
import type { RequestFacts } from '../record/request-record.js'
import { type RecordOptions, toRequestRecord } from '../record/to-request-record.js'
import { SqliteStore } from '../store/sqlite/sqlite-store.js'

/** What the worker is started with. */
export interface WriterWorkerData {
  database: string
  table: string
  record: RecordOptions
}

/** A message to the worker: a batch to write, or the order to close. */
export type WriterRequest = { id: number; batch: RequestFacts[] } | { id: number; close: true }

/** The worker's answer to one request. */
export interface WriterReply {
  id: number
  error?: string
}

const port = parentPort
if (port === null) throw new Error('statgraph: writer-worker runs only as a worker thread')
const data = workerData as WriterWorkerData
const store = new SqliteStore({ database: data.database, table: data.table })

port.on('message', (request: WriterRequest) => {
  const done =
    'close' in request ? store.close() : store.insertBatch(request.batch.map((facts) => toRequestRecord(facts, data.record)))
  done.then(
    () => port.postMessage({ id: request.id } satisfies WriterReply),
    (error: unknown) => port.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies WriterReply),
  )
})
