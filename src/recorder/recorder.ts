/** How a {@link Recorder} buffers and writes. */
export interface RecorderOptions<T> {
  /** Writes one batch; a rejection keeps the batch and retries it later. */
  write: (batch: T[]) => Promise<void>
  /** Most items held in memory, written or not; pushes beyond it are dropped and counted. Default 10 000. */
  maxBuffer?: number
  /**
   * Items that trigger a write without waiting for the timer. Default 5000 (at most half of
   * `maxBuffer`): per-write costs — a transaction, the rollups — are spread over many items.
   */
  batchSize?: number
  /** Milliseconds between timed writes. Default 1000. */
  flushInterval?: number
  /** First and longest wait after a failed write, in ms; the wait doubles in between. Default 100 and 5000. */
  retryDelay?: { min: number; max: number }
  /** Told of a failed write (once per outage) and of the recovery; default: one line on stderr each. */
  onWriteError?: (error: unknown, info: { retryInMs: number; buffered: number }) => void
  onRecovered?: (info: { dropped: number }) => void
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
export class Recorder<T> {
  readonly #write: (batch: T[]) => Promise<void>
  readonly #maxBuffer: number
  readonly #batchSize: number
  readonly #retryMin: number
  readonly #retryMax: number
  readonly #onWriteError: NonNullable<RecorderOptions<T>['onWriteError']>
  readonly #onRecovered: NonNullable<RecorderOptions<T>['onRecovered']>
  readonly #timer: NodeJS.Timeout
  #buffer: T[] = []
  #inFlight = 0
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

  constructor(options: RecorderOptions<T>) {
    this.#write = options.write
    this.#maxBuffer = positive('maxBuffer', options.maxBuffer ?? 10_000)
    this.#batchSize = positive('batchSize', options.batchSize ?? Math.min(5000, Math.ceil(this.#maxBuffer / 2)))
    const flushInterval = positive('flushInterval', options.flushInterval ?? 1000)
    this.#retryMin = positive('retryDelay.min', options.retryDelay?.min ?? 100)
    this.#retryMax = Math.max(this.#retryMin, options.retryDelay?.max ?? 5000)
    this.#onWriteError = options.onWriteError ?? logWriteError
    this.#onRecovered = options.onRecovered ?? logRecovered
    this.#timer = setInterval(() => this.#writeInBackground(), flushInterval).unref()
  }

  /** Queues `item` for writing. O(1), no I/O; when the buffer is full the item is dropped and counted. */
  push(item: T): void {
    if (this.#buffer.length + this.#inFlight >= this.#maxBuffer || this.#closed) {
      this.#dropped++
      return
    }
    if (this.#buffer.push(item) === this.#batchSize && !this.#scheduled) {
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
    await this.#writeBuffer()
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
      buffered: this.#buffer.length + this.#inFlight,
      written: this.#written,
      dropped: this.#dropped,
      failedWrites: this.#failedWrites,
      failing: this.#retryDelay !== 0,
      lastError: this.#lastError,
    }
  }

  #writeInBackground(): void {
    if (this.#writing !== undefined || this.#buffer.length === 0 || Date.now() < this.#retryAt) return
    this.#writeBuffer().catch(() => undefined)
  }

  #writeBuffer(): Promise<void> {
    if (this.#buffer.length === 0) return Promise.resolve()
    const batch = this.#buffer
    this.#buffer = []
    this.#inFlight = batch.length
    this.#writing = this.#attempt(batch).finally(() => {
      this.#inFlight = 0
      this.#writing = undefined
      // A batch that filled up during this write was not written then (one write at a time): now.
      if (this.#buffer.length >= this.#batchSize) setImmediate(() => this.#writeInBackground())
    })
    return this.#writing
  }

  async #attempt(batch: T[]): Promise<void> {
    try {
      await this.#write(batch)
    } catch (error) {
      // Keep the batch ahead of newer items; push() counted it in the bound, so nothing overflows.
      this.#buffer = batch.concat(this.#buffer)
      this.#failedWrites++
      this.#lastError = error
      const firstFailure = this.#retryDelay === 0
      this.#retryDelay = Math.min(this.#retryMax, this.#retryDelay === 0 ? this.#retryMin : this.#retryDelay * 2)
      this.#retryAt = Date.now() + this.#retryDelay
      if (firstFailure) this.#onWriteError(error, { retryInMs: this.#retryDelay, buffered: this.#buffer.length })
      if (!this.#closed) {
        clearTimeout(this.#retryTimer)
        this.#retryTimer = setTimeout(() => {
          this.#retryAt = 0
          this.#writeInBackground()
        }, this.#retryDelay).unref()
      }
      throw error
    }
    this.#written += batch.length
    if (this.#retryDelay !== 0) {
      this.#retryDelay = 0
      this.#retryAt = 0
      this.#onRecovered({ dropped: this.#dropped })
    }
  }
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new TypeError(`statgraph: "${name}" must be a positive number, got ${String(value)}`)
  }
  return value
}

function logWriteError(error: unknown, info: { retryInMs: number; buffered: number }): void {
  console.error(
    `statgraph: writing request statistics failed (${String(error)}); ${info.buffered} kept in memory, retrying in ${info.retryInMs} ms`,
  )
}

function logRecovered(info: { dropped: number }): void {
  console.error(`statgraph: writing request statistics works again (${info.dropped} dropped so far)`)
}
