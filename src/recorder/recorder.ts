import { randomBytes } from 'node:crypto'
import { CONSOLE_LOGGER, type Logger } from '../log/logger.js'
import { StatgraphError } from '../errors/statgraph-error.js'

/**
 * How a {@link Recorder} holds items until they are written: an array by default; another format
 * can hold them in a form cheaper to keep and to send on.
 */
export interface BatchFormat<T, B> {
  /** A new, empty batch. */
  create(): B
  /** Adds `item` to `batch` and returns how many items it now holds. */
  add(batch: B, item: T): number
  size(batch: B): number
  /**
   * Roughly the memory the batch's items hold, in bytes, if the format can tell: the recorder then
   * bounds that too (`maxBufferBytes`), as items of strangers' texts vary a thousandfold in size.
   */
  bytes?(batch: B): number
}

/** Batches as plain arrays. */
function arrayFormat<T>(): BatchFormat<T, T[]> {
  return {
    create: () => [],
    add: (batch, item) => batch.push(item),
    size: (batch) => batch.length,
  }
}

/** How a {@link Recorder} buffers and writes. */
export interface RecorderOptions<T, B = T[]> {
  /**
   * Writes one batch. A rejection keeps the batch and retries it later, whole and with the same
   * `id` (a new one per batch, unique across processes), so a store can tell a batch that was
   * committed although its write seemed to fail, and skip it.
   */
  write: (batch: B, id: string) => Promise<void>
  /** What a batch is; plain arrays unless given (and then it must be). */
  format?: BatchFormat<T, B>
  /** Most items held in memory, written or not; pushes beyond it are dropped and counted. Default 50 000. */
  maxBuffer?: number
  /**
   * Most bytes held in memory, written or not, by a format that tells its batches' `bytes`; pushes
   * beyond it are dropped and counted. Default 64 MiB.
   */
  maxBufferBytes?: number
  /**
   * Items that trigger a write without waiting for the timer. Default 5000 (at most half of
   * `maxBuffer`): per-write costs — a transaction, the rollups — are spread over many items.
   */
  batchSize?: number
  /** Milliseconds between timed writes. Default 1000. */
  flushInterval?: number
  /** First and longest wait after a failed write, in ms; the wait doubles in between. Default 100 and 5000. */
  retryDelay?: { min: number; max: number }
  /** Told of a failed write (once per outage) and of the recovery; default: one line each to `logger`. */
  onWriteError?: (error: unknown, info: { retryInMs: number; buffered: number }) => void
  onRecovered?: (info: { dropped: number }) => void
  /** Where the default `onWriteError` and `onRecovered` write. Default: the console. */
  logger?: Logger
}

/** What a recorder has done so far. */
export interface RecorderCounts {
  /** Items waiting in memory, including a batch being written. */
  buffered: number
  written: number
  /** Items refused because the buffer was full (or the recorder closed). */
  dropped: number
  /** Failed write attempts. */
  failedWrites: number
  /** Whether the last write failed (the recorder is retrying). */
  failing: boolean
  lastError: unknown
}

/**
 * Takes items on the request path in O(1), with no I/O, and writes them in batches off that path:
 * on a timer, when a batch fills up, and on `flush()`. Memory is bounded; a failing writer is
 * retried with backoff, and never throws back into `push`.
 *
 * @example
 * const recorder = new Recorder({ write: (batch) => store.insertBatch(batch) })
 * recorder.push(record)
 * await recorder.close()
 */
export class Recorder<T, B = T[]> {
  readonly #write: (batch: B, id: string) => Promise<void>
  /** The first part of every batch id: random, so ids of many processes never meet. */
  readonly #idPrefix = randomBytes(12).toString('base64url')
  #sequence = 0
  readonly #format: BatchFormat<T, B>
  readonly #maxBuffer: number
  readonly #maxBufferBytes: number
  readonly #batchSize: number
  readonly #retryMin: number
  readonly #retryMax: number
  readonly #onWriteError: NonNullable<RecorderOptions<T>['onWriteError']>
  readonly #onRecovered: NonNullable<RecorderOptions<T>['onRecovered']>
  readonly #timer: NodeJS.Timeout
  #buffer: B
  /** A batch whose write failed: written next, as it was, before anything newer. */
  #failed: { batch: B; id: string } | undefined
  /** The batch being written. */
  #inFlight: B | undefined
  #writing: Promise<void> | undefined
  #scheduled = false
  #retryDelay = 0
  #retryAt = 0
  #retryTimer: NodeJS.Timeout | undefined
  #closed = false
  #written = 0
  #dropped = 0
  #failedWrites = 0
  #lastError: unknown = undefined

  constructor(options: RecorderOptions<T, B> & ([B] extends [T[]] ? unknown : { format: BatchFormat<T, B> })) {
    this.#write = options.write
    // Without `format`, B is T[]: the constructor's type demands a format for any other batch.
    this.#format = options.format ?? (arrayFormat<T>() as unknown as BatchFormat<T, B>)
    this.#buffer = this.#format.create()
    // Some seconds of a busy process's requests: a write that stalls a moment (a checkpoint, a
    // writer thread short of CPU) must not cost requests at 30 000 a second.
    this.#maxBuffer = positive('maxBuffer', options.maxBuffer ?? 50_000)
    this.#maxBufferBytes = positive('maxBufferBytes', options.maxBufferBytes ?? 64 * 1024 * 1024)
    this.#batchSize = positive('batchSize', options.batchSize ?? Math.min(5000, Math.ceil(this.#maxBuffer / 2)))
    const flushInterval = positive('flushInterval', options.flushInterval ?? 1000)
    this.#retryMin = positive('retryDelay.min', options.retryDelay?.min ?? 100)
    this.#retryMax = Math.max(this.#retryMin, options.retryDelay?.max ?? 5000)
    const logger = options.logger ?? CONSOLE_LOGGER
    this.#onWriteError =
      options.onWriteError ??
      ((error, info) =>
        logger.error(`statgraph: writing request statistics failed (${String(error)}); ${info.buffered} kept in memory, retrying in ${info.retryInMs} ms`))
    this.#onRecovered = options.onRecovered ?? ((info) => logger.warn(`statgraph: writing request statistics works again (${info.dropped} dropped so far)`))
    this.#timer = setInterval(() => this.#writeInBackground(), flushInterval).unref()
  }

  /** Queues `item` for writing. O(1), no I/O; when the buffer is full the item is dropped and counted. */
  push(item: T): void {
    if (this.#held() >= this.#maxBuffer || this.#heldBytes() >= this.#maxBufferBytes || this.#closed) {
      this.#dropped++
      return
    }
    if (this.#format.add(this.#buffer, item) === this.#batchSize && !this.#scheduled) {
      this.#scheduled = true
      setImmediate(() => {
        this.#scheduled = false
        this.#writeInBackground()
      })
    }
  }

  /** Writes everything pushed so far; rejects (keeping the items for a retry) if the writer fails. */
  async flush(): Promise<void> {
    while (this.#writing !== undefined) await this.#writing.catch(() => undefined)
    // A failed batch first, then what was buffered meanwhile.
    if (this.#failed !== undefined) await this.#writeNext()
    await this.#writeNext()
  }

  /** Stops the timer, refuses further pushes and writes what is buffered. */
  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#timer)
    clearTimeout(this.#retryTimer)
    await this.flush()
  }

  counts(): RecorderCounts {
    return {
      buffered: this.#held(),
      written: this.#written,
      dropped: this.#dropped,
      failedWrites: this.#failedWrites,
      failing: this.#retryDelay !== 0,
      lastError: this.#lastError,
    }
  }

  /** Items in memory: buffered, being written, or waiting to be written again. */
  #held(): number {
    return this.#measure(this.#format.size)
  }

  /** Bytes in memory, as the format tells them (none if it does not): buffered, being written, or waiting to be written again. */
  #heldBytes(): number {
    const bytes = this.#format.bytes
    return bytes === undefined ? 0 : this.#measure(bytes)
  }

  /** `of`, one of the format's methods, summed over the batches held. */
  #measure(of: (this: BatchFormat<T, B>, batch: B) => number): number {
    const format = this.#format
    return (
      of.call(format, this.#buffer) +
      (this.#inFlight === undefined ? 0 : of.call(format, this.#inFlight)) +
      (this.#failed === undefined ? 0 : of.call(format, this.#failed.batch))
    )
  }

  #writeInBackground(): void {
    if (this.#writing !== undefined || Date.now() < this.#retryAt) return
    if (this.#failed === undefined && this.#format.size(this.#buffer) === 0) return
    this.#writeNext().catch(() => undefined)
  }

  /** Writes the failed batch again if there is one, else what is buffered as a new batch. */
  #writeNext(): Promise<void> {
    let next = this.#failed
    this.#failed = undefined
    if (next === undefined) {
      if (this.#format.size(this.#buffer) === 0) return Promise.resolve()
      next = { batch: this.#buffer, id: `${this.#idPrefix}:${this.#sequence++}` }
      this.#buffer = this.#format.create()
    }
    this.#inFlight = next.batch
    this.#writing = this.#attempt(next).finally(() => {
      this.#inFlight = undefined
      this.#writing = undefined
      // A batch that filled up during this write was not written then (one write at a time): now.
      if (this.#format.size(this.#buffer) >= this.#batchSize) setImmediate(() => this.#writeInBackground())
    })
    return this.#writing
  }

  async #attempt(next: { batch: B; id: string }): Promise<void> {
    const size = this.#format.size(next.batch)
    try {
      await this.#write(next.batch, next.id)
    } catch (error) {
      // Kept whole, with its id, ahead of newer items; push() counted it in the bound, so nothing overflows.
      this.#inFlight = undefined
      this.#failed = next
      this.#failedWrites++
      this.#lastError = error
      const firstFailure = this.#retryDelay === 0
      this.#retryDelay = Math.min(this.#retryMax, this.#retryDelay === 0 ? this.#retryMin : this.#retryDelay * 2)
      this.#retryAt = Date.now() + this.#retryDelay
      if (firstFailure) this.#onWriteError(error, { retryInMs: this.#retryDelay, buffered: this.#held() })
      if (!this.#closed) {
        clearTimeout(this.#retryTimer)
        this.#retryTimer = setTimeout(() => {
          this.#retryAt = 0
          this.#writeInBackground()
        }, this.#retryDelay).unref()
      }
      throw error
    }
    this.#written += size
    if (this.#retryDelay !== 0) {
      this.#retryDelay = 0
      this.#retryAt = 0
      this.#onRecovered({ dropped: this.#dropped })
    }
  }
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new StatgraphError('STATGRAPH_INVALID_OPTION', `statgraph: "${name}" must be a positive number, got ${String(value)}`)
  }
  return value
}
