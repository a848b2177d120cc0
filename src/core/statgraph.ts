import { createDashboard, type Dashboard } from '../dashboard/dashboard.js'
import type { ReaderThread } from '../dashboard/reader-thread.js'
import type { RequestFacts } from '../record/request-record.js'
import { toRequestRecord } from '../record/to-request-record.js'
import { Recorder, type RecorderCounts } from '../recorder/recorder.js'
import type { WriterThread } from '../recorder/writer-thread.js'
import { type FactsList, factsListFormat } from '../recorder/facts-list-format.js'
import { type PackedFacts, packedFormat } from '../recorder/packed-facts.js'
import type { Health } from '../dashboard/health.js'
import { EXACT_ROUTING, type RoutingRules } from '../record/path-matcher.js'
import { openStore } from '../store/open-store.js'
import type { Store } from '../store/store.js'
import { flushOnExit } from './flush-on-exit.js'
import { schedulePruning } from './prune-schedule.js'
import { statgraphThreads } from './statgraph-threads.js'
import type { ResolvedOptions } from './statgraph-options.js'
import type { Logger } from '../log/logger.js'
import { RuntimeSampler } from '../recorder/runtime-sampler.js'
import { parseAnnotation } from '../stats/query/annotation-input.js'
import { StatgraphError } from '../errors/statgraph-error.js'
import { AlertLoop } from '../alerts/alert-loop.js'
import { RequestMetrics } from '../metrics/request-metrics.js'
import { storeReads } from '../dashboard/dashboard-reads.js'

const SLASH = 47
const QUESTION_MARK = 63

/**
 * What every adapter returns: the handle on statgraph's store, recorder and dashboard.
 *
 * @example
 * const stats = statgraph(app)
 * process.on('SIGTERM', () => stats.close())
 */
export interface StatgraphHandle {
  readonly store: Store
  /** The dashboard as a Web `Request` → `Response` function, for mounting elsewhere. */
  readonly dashboard: Dashboard
  /** Writes every request recorded so far. */
  flush(): Promise<void>
  /** Writes what is buffered, then releases the database (unless the app passed its own in). */
  close(): Promise<void>
  /** How many requests were written, are buffered, or were dropped. */
  counts(): RecorderCounts
  /** Whether writes succeed, and the counters; the dashboard shows a warning from it. */
  health(): Health
  /**
   * Adds a note to every chart's time axis (a deploy, an incident), at `at` (default now).
   *
   * @example await stats.annotate('Deployed 1.4.0 with the new search', { at: new Date() })
   */
  annotate(text: string, options?: { at?: Date | number | string }): Promise<void>
}

/** Runtime samples an instance may miss before the dashboard says it stopped reporting. */
const STOPPED_AFTER_SAMPLES = 3

/** How long `flushOnExit` keeps writing requests that arrive while it writes. */
const DRAIN_MS = 10_000

/**
 * The framework-neutral part of statgraph: store, recorder and dashboard, built once from resolved
 * options. Adapters feed it `RequestFacts` and mount its dashboard.
 */
export class Statgraph<Req = unknown, Protect = unknown> implements StatgraphHandle {
  readonly store: Store
  readonly dashboard: Dashboard
  readonly prefix: string
  /** The framework's middleware guarding the dashboard, if any. */
  readonly protect: Protect | undefined
  /** Whether adapters give the client address their framework resolved (statgraph's `trustProxy` unset). */
  readonly frameworkAddress: boolean
  /** Where statgraph reports what goes wrong (the `logger` option). */
  readonly logger: Logger
  readonly #disable: ((req: Req) => boolean) | undefined
  readonly #ignore: ((url: string, rules: RoutingRules) => boolean) | undefined
  readonly #routing: () => RoutingRules
  readonly #removeExitHooks: () => void
  readonly #stopPruning: (() => void) | undefined
  readonly #recorder: Recorder<RequestFacts, FactsList> | Recorder<RequestFacts, PackedFacts>
  readonly #writer: WriterThread | undefined
  readonly #reader: ReaderThread | undefined
  /** Where notes and runtime samples are written: the writer thread, or the store itself. */
  readonly #writes: Pick<Store, 'annotate' | 'insertRuntime'>
  readonly #sampler: RuntimeSampler | undefined
  readonly #alerts: AlertLoop | undefined
  readonly #metrics: RequestMetrics | undefined
  #closing: Promise<void> | undefined
  #misplacedSaid = false

  /** `routing`: how the app's framework matches paths now (its settings may change after setup), for `ignore`. */
  constructor(options: ResolvedOptions<Req, Protect>, routing: () => RoutingRules = () => EXACT_ROUTING) {
    const store = openStore(options.database, options)
    const storeOptions = { table: options.table, schema: options.schema, limits: options.limits, maxValues: options.maxValues, migrations: options.migrations }
    const recordOptions = { trustProxy: options.trustProxy, address: options.address, identity: options.identity }
    const { writer, reader } = statgraphThreads(options.database, storeOptions, recordOptions, options.logger)
    this.#writer = writer
    this.#reader = reader
    // On SQLite the reader thread answers: the app's thread never runs a long read.
    const reads = reader ?? storeReads(store)
    const stoppedAfter = options.runtimeEvery === undefined ? undefined : STOPPED_AFTER_SAMPLES * options.runtimeEvery
    this.#metrics =
      options.metrics === undefined
        ? undefined
        : new RequestMetrics(options.metrics, { identity: options.identity, counts: () => this.counts(), logger: options.logger })
    this.#writes = writer ?? store
    this.#sampler =
      options.runtimeEvery === undefined
        ? undefined
        : new RuntimeSampler({
            instance: options.identity.instance,
            every: options.runtimeEvery,
            write: (samples) => this.#writes.insertRuntime(samples),
            logger: options.logger,
          })
    this.store = store
    this.prefix = options.prefix
    this.frameworkAddress = options.trustProxy === undefined
    this.logger = options.logger
    this.protect = options.protect
    this.#disable = options.disable
    this.#ignore = options.ignore
    this.#routing = routing
    this.#removeExitHooks = options.flushOnExit ? flushOnExit(() => this.#drain(), options.logger) : () => {}
    // The writer thread deletes where there is one: a long DELETE never blocks the app's thread.
    this.#stopPruning = options.retention === undefined ? undefined : schedulePruning(writer ?? store, options.retention, options.logger)
    // The writer thread gets the facts packed; any other store gets records built here.
    this.#recorder =
      writer === undefined
        ? new Recorder<RequestFacts, FactsList>({
            logger: options.logger,
            ...options.recorder,
            format: factsListFormat,
            write: (batch, id) =>
              store.insertBatch(
                batch.items.map((facts) => toRequestRecord(facts, recordOptions)),
                { id },
              ),
          })
        : new Recorder<RequestFacts, PackedFacts>({
            logger: options.logger,
            ...options.recorder,
            format: packedFormat,
            // The table is created here first, so the worker's connection finds it.
            write: async (batch, id) => {
              await store.migrate()
              await writer.write(batch, id)
            },
          })
    this.dashboard = createDashboard({
      store,
      reads,
      prefix: options.prefix,
      defaultDateSpan: options.defaultDateSpan,
      access: options.access,
      auth: options.auth,
      health: () => this.health(),
      annotate: (at, text) => this.#writes.annotate(at, text),
      stoppedAfter,
      alertRules: options.alerts?.rules.map(({ name, type }) => ({ name, type })),
      metrics: this.#metrics?.dashboardExposition,
      logger: options.logger,
    })
    this.#alerts =
      options.alerts === undefined
        ? undefined
        : new AlertLoop({ settings: options.alerts, alerts: store.alerts(), reads, instance: options.identity.instance, stoppedAfter, logger: options.logger })
    this.#alerts?.start()
    // Create the table now, so the first dashboard visit and the first write find it; then start
    // the writer thread, so the first batch does not wait for it (should that fail, so does the
    // first write, which reports it).
    store.migrate().then(
      () => writer?.open().catch(() => undefined),
      (error: unknown) => {
        options.logger.error(`statgraph: preparing the statistics table failed (${String(error)}); will retry on the next write`)
      },
    )
  }

  /** Whether the request target `url` (path and query) is the dashboard's: `{prefix}`, `{prefix}/…` or `{prefix}?…`. */
  isDashboardUrl(url: string): boolean {
    const prefix = this.prefix
    if (!url.startsWith(prefix)) return false
    const next = url.charCodeAt(prefix.length)
    return Number.isNaN(next) || next === SLASH || next === QUESTION_MARK
  }

  /**
   * The answer for a dashboard reached outside its prefix, at `path`: mounted under another path
   * (a Koa mount, Hono's `app.route`), where its links would break. A 500 that says how to fix it,
   * and one line in the log.
   */
  misplacedDashboard(path: string): Response {
    const message =
      `statgraph: the dashboard was reached at "${path}", outside its prefix "${this.prefix}": it is mounted under another path, ` +
      `where its links would break. Mount it at "${this.prefix}", or set the prefix option to the path it is mounted at.`
    if (!this.#misplacedSaid) this.logger.error(message)
    this.#misplacedSaid = true
    return new Response(`${message}\n`, { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8' } })
  }

  /** Whether the app gave a `disable` opt-out, which asks about every request. */
  get optsOut(): boolean {
    return this.#disable !== undefined
  }

  /** Whether `req` is to be recorded: the `disable` opt-out did not pick it. */
  shouldRecord(req: Req): boolean {
    if (this.#disable === undefined) return true
    try {
      return this.#disable(req) !== true
    } catch {
      // An opt-out that fails is honoured as an opt-out: recording someone who asked not to be is worse.
      return false
    }
  }

  /** Queues one request's facts; O(1), never throws. */
  readonly record = (facts: RequestFacts): void => {
    if (this.#ignore?.(facts.url, this.#routing()) === true) return
    this.#metrics?.observe(facts)
    this.#recorder.push(facts)
  }

  flush(): Promise<void> {
    return this.#recorder.flush()
  }

  /** Once: the app may close statgraph itself and through its framework (Fastify's onClose, Nest's shutdown hook). */
  close(): Promise<void> {
    this.#closing ??= this.#close()
    return this.#closing
  }

  async #close(): Promise<void> {
    this.#removeExitHooks()
    this.#stopPruning?.()
    this.#sampler?.stop()
    await this.#alerts?.stop()
    await this.#metrics?.close()
    try {
      await this.#recorder.close()
    } finally {
      await this.#writer?.close()
      await this.#reader?.close()
      await this.store.close()
    }
  }

  counts(): RecorderCounts {
    return this.#recorder.counts()
  }

  async annotate(text: string, options: { at?: Date | number | string } = {}): Promise<void> {
    let note: { at: number; text: string }
    try {
      note = parseAnnotation({ text, at: options.at }, Date.now())
    } catch (error) {
      throw new StatgraphError('STATGRAPH_INVALID_ANNOTATION', `statgraph: annotate: ${(error as Error).message}`)
    }
    await this.#writes.annotate(note.at, note.text)
  }

  health(): Health {
    const { buffered, written, dropped, failedWrites, failing, lastError } = this.#recorder.counts()
    const message = lastError === undefined ? null : lastError instanceof Error ? lastError.message : String(lastError)
    return { state: failing ? 'failing' : 'ok', buffered, written, dropped, failedWrites, lastError: message }
  }

  /**
   * Writes until nothing is buffered, requests that arrive meanwhile included; a few rounds at most,
   * so a database that is down cannot hold the process up forever.
   */
  async #drain(): Promise<void> {
    // The app keeps serving while a flush runs: flush again until nothing is left, for a while.
    const until = Date.now() + DRAIN_MS
    do await this.flush()
    while (this.counts().buffered > 0 && Date.now() < until)
  }
}
