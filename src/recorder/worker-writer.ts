import { Worker } from 'node:worker_threads'
import type { FactsPart, PackedFacts } from './packed-facts.js'
import type { WriterPart, WriterReply, WriterRequest, WriterWorkerData } from './writer-worker.js'

/**
 * Writes batches of request facts from a worker thread, to a SQLite file or a database server's
 * URL: the record building (user agent parsing, caps), the rollups and the transaction cost the
 * app's thread nothing but a few messages per batch. The worker starts at `open()` or the first
 * write and is `unref`'d, so it never keeps the process alive.
 */
export class WorkerWriter {
  readonly #data: WriterWorkerData
  #worker: Worker | undefined
  #nextId = 0
  readonly #pending = new Map<number, { resolve: (reply: WriterReply) => void; reject: (error: Error) => void }>()

  constructor(data: WriterWorkerData) {
    this.#data = data
  }

  /**
   * Starts the worker and opens its connection now, so that the first batch does not wait for them
   * (a busy app would fill its buffer meanwhile).
   */
  async open(): Promise<void> {
    await this.#send({ id: this.#nextId++, open: true })
  }

  /**
   * Writes `batch` in one transaction, once under its `id`; resolves once it is committed, rejects
   * with the worker's error. The batch goes over a part at a time, a turn of the event loop apart, so that the app's
   * requests are served in between.
   */
  async write(batch: PackedFacts, id: string): Promise<void> {
    const worker = (this.#worker ??= this.#start())
    const last = batch.parts.length - 1
    for (const part of batch.parts.slice(0, last)) {
      worker.postMessage({ part } satisfies WriterPart)
      await new Promise(setImmediate)
    }
    // A worker that died meanwhile took the parts with it: its successor refuses the batch, which is retried.
    await this.#send({ id: this.#nextId++, batch: batch.parts[last] as FactsPart, parts: last, batchId: id })
  }

  /** Deletes the rows from before `before` (ms) in the worker, off the app's thread; how many went. */
  async prune(before: number): Promise<number> {
    return (await this.#send({ id: this.#nextId++, prune: before })).count ?? 0
  }

  /** Deletes the rollups of buckets that ended before `before` (ms) in the worker; how many cells went. */
  async pruneRollups(before: number): Promise<number> {
    return (await this.#send({ id: this.#nextId++, pruneRollups: before })).count ?? 0
  }

  /** Closes the worker's database connection and ends the worker. */
  async close(): Promise<void> {
    const worker = this.#worker
    if (worker === undefined) return
    try {
      await this.#send({ id: this.#nextId++, close: true })
    } finally {
      this.#worker = undefined
      await worker.terminate()
    }
  }

  #send(request: WriterRequest): Promise<WriterReply> {
    const worker = (this.#worker ??= this.#start())
    return new Promise((resolve, reject) => {
      // Referenced while a write is out, so `await stats.close()` at the end of a script completes.
      if (this.#pending.size === 0) worker.ref()
      this.#pending.set(request.id, { resolve, reject })
      worker.postMessage(request)
    })
  }

  #start(): Worker {
    // The worker file sits beside this module, with its extension: .js, .cjs, or .ts under a TS runner.
    const here = import.meta.url
    const extension = /\.(c?js|ts)$/.exec(here)?.[0] ?? '.js'
    const file = new URL(`./writer-worker${extension}`, here)
    // None of the app's Node flags: some (--input-type, loaders) would break a plain JavaScript worker.
    const options = { workerData: this.#data, execArgv: [] }
    // Straight from the TypeScript sources (the tests), the worker first registers tsx for itself.
    const worker =
      extension === '.ts'
        ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(file.href)}) })`, { ...options, eval: true })
        : new Worker(file, options)
    worker.unref()
    worker.on('message', (reply: WriterReply) => {
      const pending = this.#pending.get(reply.id)
      this.#pending.delete(reply.id)
      if (this.#pending.size === 0) worker.unref()
      if (reply.error === undefined) pending?.resolve(reply)
      else pending?.reject(new Error(reply.error))
    })
    // A worker that dies fails what it had; the next write starts a new one.
    const fail = (error: Error) => {
      if (this.#worker === worker) this.#worker = undefined
      for (const pending of this.#pending.values()) pending.reject(error)
      this.#pending.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new Error(`statgraph: the writer thread stopped (exit code ${code})`)))
    return worker
  }
}
