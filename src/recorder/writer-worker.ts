// The worker thread behind WriterThread: turns request facts into records and writes them to the
// SQLite file or the database server, so neither the parsing nor the writing runs on the app's thread.
import { statSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'
import type { RequestFacts } from '../record/request-record.js'
import type { RuntimeSample } from '../stats/runtime/runtime-sample.js'
import { type RecordOptions, toRequestRecord } from '../record/to-request-record.js'
import { openStore, type TableName } from '../store/open-store.js'
import { sqliteFile } from '../store/sqlite/sqlite-engine.js'
import { errorReply } from '../thread/worker-channel.js'
import { type FactsPart, unpackFacts } from './packed-facts.js'

/** What the worker is started with: the database as a file path or URL, and the store's options. */
export interface WriterWorkerData extends TableName {
  database: string
  record: RecordOptions
}

/** Part of a batch, sent ahead of the batch's last part; not answered. */
export interface WriterPart {
  part: FactsPart
}

/**
 * A message to the worker that it answers: the order to open the connection, the last part of a
 * batch to write with the `parts` sent before it, raw rows or rollups to prune (older than that,
 * ms), or the order to close.
 */
export type WriterRequest =
  | { id: number; open: true }
  | { id: number; batch: FactsPart; parts: number; batchId: string }
  | { id: number; prune: number }
  | { id: number; pruneRollups: number }
  | { id: number; annotate: { at: number; text: string } }
  | { id: number; runtime: RuntimeSample[] }
  | { id: number; close: true }

/** The worker's answer to one request: for a prune, how many rows went. */
export interface WriterReply {
  id: number
  error?: string
  count?: number
}

const port = parentPort
if (port === null) throw new Error('statgraph: writer-worker runs only as a worker thread')
const data = workerData as WriterWorkerData
/** The SQLite file written, if it is one: its identity is watched. */
const path = sqliteFile(data.database)
const open = () => openStore(data.database, data)
let store = open()
let file = fileIdentity()

// Errors after which this connection cannot write again, even once the cause is gone (a file that
// was read-only when opened stays read-only to its connection): the next attempt opens a new one.
const BROKEN_CONNECTION = /^SQLITE_(READONLY|IOERR|CANTOPEN|NOTADB|CORRUPT)/

async function write(batch: RequestFacts[], id: string): Promise<void> {
  // A file deleted or replaced under the app (a cleanup script, a restore) gets the rows from now
  // on, not the unlinked old one; the new store creates the table.
  if (fileIdentity() !== file) await reopen()
  try {
    await store.insertBatch(
      batch.map((facts) => toRequestRecord(facts, data.record)),
      { id },
    )
  } catch (error) {
    if (BROKEN_CONNECTION.test(String((error as { code?: unknown }).code))) await reopen()
    throw error
  }
  file = fileIdentity()
}

async function reopen(): Promise<void> {
  await store.close().catch(() => undefined)
  store = open()
  file = fileIdentity()
}

/** The SQLite file's device and inode, or undefined when it does not exist (or is no file). */
function fileIdentity(): string | undefined {
  if (path === undefined) return undefined
  const stats = statSync(path, { throwIfNoEntry: false })
  return stats === undefined ? undefined : `${stats.dev}:${stats.ino}`
}

/** The parts of the batch being sent. */
let parts: FactsPart[] = []

function writeBatch(last: FactsPart, expected: number, id: string): Promise<void> {
  const received = parts
  parts = []
  if (received.length !== expected) {
    return Promise.reject(new Error(`statgraph: the writer thread got ${received.length} of the batch's ${expected} parts; the batch is sent again`))
  }
  received.push(last)
  return write(received.flatMap(unpackFacts), id)
}

port.on('message', (request: WriterPart | WriterRequest) => {
  if ('part' in request) {
    parts.push(request.part)
    return
  }
  const done: Promise<unknown> =
    'open' in request
      ? store.migrate()
      : 'close' in request
        ? store.close()
        : 'prune' in request
          ? store.prune(request.prune)
          : 'pruneRollups' in request
            ? store.pruneRollups(request.pruneRollups)
            : 'annotate' in request
              ? store.annotate(request.annotate.at, request.annotate.text)
              : 'runtime' in request
                ? store.insertRuntime(request.runtime)
                : writeBatch(request.batch, request.parts, request.batchId)
  done.then(
    (count) => port.postMessage({ id: request.id, ...(typeof count === 'number' ? { count } : {}) } satisfies WriterReply),
    (error: unknown) => port.postMessage(errorReply(request.id, error) satisfies WriterReply),
  )
})
