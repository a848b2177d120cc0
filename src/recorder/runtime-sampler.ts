import { createHistogram, performance } from 'node:perf_hooks'
import type { Logger } from '../log/logger.js'
import type { RuntimeSample } from '../stats/runtime/runtime-sample.js'

/** How often the event loop is probed, ms: 50 timer callbacks a second, each a few microseconds. */
const PROBE_MS = 20
/** Samples kept while the database fails, the oldest dropped first: a few minutes' worth. */
const MAX_PENDING = 30

/**
 * Samples this process's runtime every `every` ms, off the request path (a timer, unref'd), and
 * hands the samples to `write` — the writer thread or an asynchronous store.
 *
 * Event-loop delay is measured as a request arriving at a random instant would feel it: a probe
 * every {@link PROBE_MS} ms notes how late it ran, and a stall of 200 ms counts for every probe
 * it held up (200, 180 … 20 ms), as requests arriving during it would have waited. Node's
 * `monitorEventLoopDelay` counts such a stall once among ~1,000 timer ticks, where no p99 sees it.
 */
export class RuntimeSampler {
  readonly #instance: string
  readonly #write: (samples: readonly RuntimeSample[]) => Promise<void>
  readonly #logger: Logger
  readonly #waits = createHistogram()
  readonly #probe: ReturnType<typeof setInterval>
  readonly #timer: ReturnType<typeof setInterval>
  #probedAt = performance.now()
  #sampledAt = performance.now()
  #cpu = process.cpuUsage()
  #pending: RuntimeSample[] = []
  #writing = false
  #failing = false

  constructor(options: { instance: string; every: number; write: (samples: readonly RuntimeSample[]) => Promise<void>; logger: Logger }) {
    this.#instance = options.instance
    this.#write = options.write
    this.#logger = options.logger
    this.#probe = setInterval(() => this.#onProbe(), PROBE_MS).unref()
    this.#timer = setInterval(() => this.#send(this.take()), options.every).unref()
  }

  /** The sample since the previous one; starts the next. */
  take(): RuntimeSample {
    const now = performance.now()
    const cpu = process.cpuUsage(this.#cpu)
    const { heapUsed, rss } = process.memoryUsage()
    const elapsed = now - this.#sampledAt
    const sample: RuntimeSample = {
      instance: this.#instance,
      at: Date.now(),
      loopP50: this.#waits.count === 0 ? 0 : this.#waits.percentile(50) / 1000,
      loopP99: this.#waits.count === 0 ? 0 : this.#waits.percentile(99) / 1000,
      heapUsed,
      rss,
      cpu: elapsed <= 0 ? 0 : ((cpu.user + cpu.system) / 1000 / elapsed) * 100,
    }
    this.#waits.reset()
    this.#sampledAt = now
    this.#cpu = process.cpuUsage()
    return sample
  }

  stop(): void {
    clearInterval(this.#probe)
    clearInterval(this.#timer)
  }

  #onProbe(): void {
    const now = performance.now()
    const late = Math.max(0, now - this.#probedAt - PROBE_MS)
    this.#probedAt = now
    // In microseconds; the histogram takes whole numbers from 1.
    for (let wait = late; ; wait -= PROBE_MS) {
      this.#waits.record(Math.max(1, Math.round(wait * 1000)))
      if (wait <= PROBE_MS) break
    }
  }

  #send(sample: RuntimeSample): void {
    this.#pending.push(sample)
    if (this.#pending.length > MAX_PENDING) this.#pending.shift()
    if (this.#writing) return
    this.#writing = true
    const sending = this.#pending
    this.#pending = []
    this.#write(sending).then(
      () => {
        this.#writing = false
        this.#failing = false
      },
      (error: unknown) => {
        this.#writing = false
        // Kept for the next turn, ahead of newer samples.
        this.#pending = [...sending, ...this.#pending].slice(-MAX_PENDING)
        if (!this.#failing) this.#logger.warn(`statgraph: writing runtime samples failed (${String(error)}); will retry`)
        this.#failing = true
      },
    )
  }
}
