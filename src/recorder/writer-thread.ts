import type { RuntimeSample } from '../stats/runtime/runtime-sample.js'
import { WorkerChannel } from '../thread/worker-channel.js'
import { findWorkerFile } from '../thread/worker-file.js'
import type { FactsPart, PackedFacts } from './packed-facts.js'
import type { WriterPart, WriterReply, WriterRequest, WriterWorkerData } from './writer-worker.js'

/**
 * Writes batches of request facts from a worker thread, to a SQLite file or a database server's
 * URL: the record building (user agent parsing, caps), the rollups and the transaction cost the
 * app's thread nothing but a few messages per batch.
 */
export class WriterThread {
  readonly #channel: WorkerChannel<WriterRequest, WriterReply>

  /** The worker module's file, if it can be found (see `findWorkerFile`). */
  static file(): URL | undefined {
    return findWorkerFile('writer-worker', import.meta.url)
  }

  /** `file`: from {@link WriterThread.file}. */
  constructor(file: URL, data: WriterWorkerData) {
    this.#channel = new WorkerChannel(file, data)
  }

  /**
   * Starts the worker and opens its connection now, so that the first batch does not wait for them
   * (a busy app would fill its buffer meanwhile).
   */
  async open(): Promise<void> {
    await this.#channel.request({ open: true })
  }

  /**
   * Writes `batch` in one transaction, once under its `id`; resolves once it is committed, rejects
   * with the worker's error. The batch goes over a part at a time, a turn of the event loop apart,
   * so that the app's requests are served in between.
   */
  async write(batch: PackedFacts, id: string): Promise<void> {
    const last = batch.parts.length - 1
    for (const part of batch.parts.slice(0, last)) {
      this.#channel.post({ part } satisfies WriterPart)
      await new Promise(setImmediate)
    }
    // A worker that died meanwhile took the parts with it: its successor refuses the batch, which is retried.
    await this.#channel.request({ batch: batch.parts[last] as FactsPart, parts: last, batchId: id })
  }

  /** Deletes the rows from before `before` (ms) in the worker, off the app's thread; how many went. */
  async prune(before: number): Promise<number> {
    return (await this.#channel.request({ prune: before })).count ?? 0
  }

  /** Deletes the rollups of buckets that ended before `before` (ms) in the worker; how many cells went. */
  async pruneRollups(before: number): Promise<number> {
    return (await this.#channel.request({ pruneRollups: before })).count ?? 0
  }

  /** Adds a note to the time axis, written by the worker. */
  async annotate(at: number, text: string): Promise<void> {
    await this.#channel.request({ annotate: { at, text } })
  }

  /** Writes runtime samples from the worker. */
  async insertRuntime(samples: readonly RuntimeSample[]): Promise<void> {
    await this.#channel.request({ runtime: [...samples] })
  }

  /** Closes the worker's database connection and ends the worker. */
  close(): Promise<void> {
    return this.#channel.close({ close: true })
  }
}
