import { randomBytes } from 'node:crypto'
import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { RequestRecord } from '../../record/request-record.js'
import type { RequestsQuery, RowsQuery } from '../../stats/query/requests-query.js'
import type { SearchQuery } from '../../stats/query/search-query.js'
import type { StatsQuery } from '../../stats/query/stats-query.js'
import type { BreakdownEntry, StoreStats } from '../../stats/answer/stats.js'
import type { RequestPage, RequestRow } from '../../stats/answer/request-page.js'
import type { InsertOptions, Store } from '../store.js'
import { BatchLedger } from './batch-ledger.js'
import { ImportLedger } from './import-ledger.js'
import type { ImportedContent } from '../imported-content.js'
import { RollupUpkeep } from './rollup-upkeep.js'
import { rawRows } from './rollup-sources.js'
import { migrateTable } from './migrate-table.js'
import { deploymentTables } from './deployment-tables.js'
import type { Annotation, Release } from '../../stats/answer/release.js'
import type { RuntimeReport, RuntimeSample } from '../../stats/runtime/runtime-sample.js'
import { INSERT_COLUMNS, INSERT_KINDS, insertValues, type RequestDatabase } from './request-table.js'
import { pruneRollupTables, rollupTables, type RollupTables } from './rollup-tables.js'
import { StoreReads } from './store-reads.js'
import { type InsertRows, multiRowInsert } from './insert-rows.js'
import { buildRollups } from './build-rollups.js'
import { RollupWriter } from './rollup-writer.js'
import { DEFAULT_MAX_VALUES } from './value-bound.js'
import type { SqlFlavor } from './sql-flavor.js'
import { DEFAULT_WRITE_LIMITS, type KyselyStoreConfig, type WriteLimits } from './kysely-store-config.js'
import { BatchWrite } from './batch-write.js'
import { writeTransaction } from './write-transaction.js'
import { KyselyAlertStore } from './kysely-alert-store.js'
import { checkSchema, madeElsewhere } from '../schema/schema-check.js'
import type { AlertStore } from '../alert-store.js'

// Enough for a handful of instances starting at once to take turns: each round, one finishes.
const MIGRATION_ATTEMPTS = 10

const COLUMN_REFS = sql.join(INSERT_COLUMNS.map((column) => sql.ref(column)))

/**
 * A {@link Store} in plain SQL through Kysely: the same queries on every engine, with the engine's
 * differences in a {@link SqlFlavor}.
 *
 * Writes commute: each store object is one writer of its own rollup rows (on SQLite, where writers
 * take turns on the file's lock anyway, all are one), takes no lock another instance waits on, and records each batch's id in the batch's transaction, so a batch retried
 * after an unknown outcome is skipped.
 */
export class KyselyStore implements Store {
  readonly #db: Kysely<RequestDatabase>
  readonly #table: string
  readonly #schema: string | undefined
  /** The table in raw SQL, schema-qualified (Kysely's `withSchema` leaves raw SQL alone). */
  readonly #tableRef: RawBuilder<unknown>
  readonly #flavor: SqlFlavor
  /** Deletes the raw rows dated before an instant (ms); how many went. */
  readonly #pruneRows: (before: number) => Promise<number>
  readonly #ownsDatabase: boolean
  readonly #rollups: RollupTables
  /** The first part of the ids of batches given none: random, one per store object. */
  readonly #idPrefix = randomBytes(12).toString('base64url')
  readonly #rollupWriter: RollupWriter
  readonly #insertRows: InsertRows
  readonly #reads: StoreReads
  readonly #imports: ImportLedger
  readonly #upkeep: RollupUpkeep
  readonly #limits: WriteLimits
  readonly #maxValues: number
  readonly #migrations: 'auto' | 'off'
  readonly #deployments: ReturnType<typeof deploymentTables>
  readonly #alerts: KyselyAlertStore
  readonly #batchWrite: BatchWrite
  #migrated: Promise<void> | undefined

  constructor(config: KyselyStoreConfig) {
    this.#schema = config.schema
    this.#db = config.schema === undefined ? config.db : config.db.withSchema(config.schema)
    this.#table = config.table
    const qualified = (name: string) => sql.table(config.schema === undefined ? name : `${config.schema}.${name}`)
    this.#tableRef = qualified(config.table)
    this.#flavor = config.flavor
    this.#ownsDatabase = config.ownsDatabase
    this.#limits = { ...DEFAULT_WRITE_LIMITS, ...config.limits }
    this.#maxValues = config.maxValues ?? DEFAULT_MAX_VALUES
    this.#migrations = config.migrations ?? 'auto'
    this.#rollups = rollupTables(config.table, qualified)
    // This store's name as a writer of rollup rows: random, one per store object, unless the
    // engine's writers take turns on one lock anyway.
    this.#insertRows = config.insertRows ?? multiRowInsert(config.flavor)
    this.#rollupWriter = new RollupWriter(this.#rollups, config.flavor, this.#insertRows, config.flavor.oneWriter?.name ?? this.#idPrefix, this.#maxValues)
    // Reads see the record's columns wherever the rows live (see RawLayout).
    const layout = config.flavor.rawLayout
    const source = layout?.source(config.table, qualified) ?? this.#tableRef
    const reads = layout === undefined ? config.flavor : { ...config.flavor, ...layout.reads(config.table, qualified) }
    this.#reads = new StoreReads(this.#db as Kysely<unknown>, this.#rollups, source, reads)
    // One statement on the table (no write transaction's statement timeout on a long prune); a
    // layout's several in one transaction.
    this.#pruneRows =
      layout === undefined
        ? async (before) =>
            Number((await sql`delete from ${this.#tableRef} where date < ${config.flavor.toDate(before)}`.execute(this.#db)).numAffectedRows ?? 0)
        : (before) => this.inWriteTransaction(this.#db, (trx) => layout.prune(trx, config.table, qualified, before))
    this.#imports = new ImportLedger(qualified(`${config.table}_statgraph_import`), config.flavor)
    const sealing = {
      db: this.#db as Kysely<unknown>,
      tables: this.#rollups,
      flavor: config.flavor,
      lockMs: this.#limits.lockMs,
      maxValues: this.#maxValues,
      insertRows: this.#insertRows,
    }
    this.#deployments = deploymentTables(config.table, qualified, config.flavor, this.#idPrefix)
    this.#upkeep = new RollupUpkeep(sealing, (db) => rawRows(db, source, reads))
    this.#batchWrite = new BatchWrite({
      db: this.#db,
      flavor: config.flavor,
      writeMs: this.#limits.writeMs,
      idPrefix: this.#idPrefix,
      batches: new BatchLedger(this.#rollups.batches, config.flavor),
      imports: this.#imports,
      releases: this.#deployments.releases,
      rollupWriter: this.#rollupWriter,
      migrate: () => this.migrate(),
      inWriteTransaction: (db, body) => this.inWriteTransaction(db, body),
      insertRows: (trx, records) => this.insertRows(trx, records),
      // Now and then, beside the writes: any instance may seal a day, once.
      committed: () => {
        if (this.#upkeep.due(Date.now())) this.sealDays().catch(() => undefined)
      },
    })
    this.#alerts = new KyselyAlertStore({
      db: this.#db,
      table: config.table,
      qualified,
      flavor: config.flavor,
      ready: () => this.migrate(),
      exclusive: (write) => this.exclusive(write),
      transaction: (body) => this.inWriteTransaction(this.#db, body),
    })
  }

  migrate(): Promise<void> {
    // One migration per store; a failed one is tried again by the next caller.
    this.#migrated ??= this.runMigrations().catch((error: unknown) => {
      this.#migrated = undefined
      throw error
    })
    return this.#migrated
  }

  /**
   * Brings the table to the latest version. Instances starting together may collide (a lock the
   * engine could not take in time, a step another instance made meanwhile); each attempt runs as
   * {@link migrationAttempt} says, so the loser tries again shortly and finds the work done.
   */
  protected async runMigrations(): Promise<void> {
    // The app's own migrations made the tables: check, never create.
    const db = this.#db as Kysely<unknown>
    if (this.#migrations === 'off') return checkSchema(db, this.#table, this.#schema, this.#flavor.engine)
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.migrationAttempt(async () => {
          const recordOnly = await madeElsewhere(db, this.#table, this.#schema, this.#flavor.engine)
          await migrateTable(db, this.#table, this.#schema, this.#flavor, { recordOnly }, (db) =>
            buildRollups(db, this.#tableRef, this.#flavor, new RollupWriter(this.#rollups, this.#flavor, this.#insertRows, '', this.#maxValues)),
          )
        })
      } catch (error) {
        if (attempt === MIGRATION_ATTEMPTS) throw error
        await new Promise((resolve) => setTimeout(resolve, attempt * 20 + Math.random() * 100))
      }
    }
  }

  /**
   * One attempt at the migrations. Kysely takes the engine's migration lock and, where DDL is
   * transactional, runs them in one transaction; an engine it does neither for says how here.
   */
  protected migrationAttempt(attempt: () => Promise<void>): Promise<void> {
    return attempt()
  }

  /**
   * Raw rows and their rollups in one transaction: all or nothing, exact whatever other instances
   * write at the same time, and once only — a batch whose id was committed before is skipped.
   * On a database server the transaction has statement and lock limits, and a write that does not
   * end within `limits.writeMs` (a connection gone silent) fails, to be retried.
   */
  insertBatch(records: readonly RequestRecord[], options: InsertOptions = {}): Promise<void> {
    return this.exclusive(() => this.#batchWrite.insert(records, options))
  }

  /** Runs a write that holds the database's write lock across statements; SQLite's writers of one process take turns here. */
  protected exclusive<T>(write: () => Promise<T>): Promise<T> {
    return write()
  }

  /** Seals the days that ended an hour or more before `now`, sums them into blocks, compacts older ones; how many days it sealed. */
  async sealDays(now = Date.now()): Promise<number> {
    const sealed = await this.exclusive(async () => {
      await this.migrate()
      return this.#upkeep.seal(now)
    })
    await this.#upkeep.compact(now, (work) => this.exclusive(work))
    return sealed
  }

  /** Runs a batch's writes in one transaction on `db`, with the engine's write isolation and limits. */
  protected inWriteTransaction<T>(db: Kysely<RequestDatabase>, body: (trx: Kysely<RequestDatabase>) => Promise<T>): Promise<T> {
    return writeTransaction(db, this.#flavor, this.#limits, body)
  }

  /** Writes the raw rows, inside the batch's transaction, in as few statements as the engine takes. */
  protected async insertRows(trx: Kysely<RequestDatabase>, records: readonly RequestRecord[]): Promise<void> {
    const flavor = this.#flavor
    const rows = records.map((record) =>
      insertValues(
        record,
        (ms) => flavor.toDate(ms),
        (flag) => flavor.toBoolean(flag),
      ),
    )
    await this.#insertRows(trx, (values) => sql`insert into ${this.#tableRef} (${COLUMN_REFS}) ${values}`, rows, INSERT_KINDS)
  }

  /**
   * The dashboard's answer: from rollups without filters, from the raw rows, exactly, for filtered
   * queries and minute points.
   */
  async stats(query: StatsQuery): Promise<StoreStats> {
    await this.migrate()
    return this.#reads.stats(query)
  }

  /** The dashboard's answer from the raw rows alone, exactly: the reference for rollups in tests and benchmarks. */
  async statsFromRaw(query: StatsQuery): Promise<StoreStats> {
    await this.migrate()
    return this.#reads.statsFromRaw(query)
  }

  async search(query: SearchQuery): Promise<BreakdownEntry<string>[]> {
    await this.migrate()
    return this.#reads.search(query)
  }

  async requests(query: Omit<RequestsQuery, 'format'>): Promise<RequestPage> {
    await this.migrate()
    return this.#reads.page(query)
  }

  async requestsAfter(query: RowsQuery, after: RequestRow | undefined, limit: number): Promise<RequestRow[]> {
    await this.migrate()
    return this.#reads.after(query, after, limit)
  }

  prune(before: number): Promise<number> {
    return this.exclusive(async () => {
      await this.migrate()
      await this.#upkeep.beforePrune(before)
      const deleted = await this.#pruneRows(before)
      // Runtime samples and the alerts' history follow the raw rows: they chart the same recent past.
      await this.#deployments.runtime.prune(this.#db, before)
      await this.#alerts.prune(before)
      return deleted
    })
  }

  async releases(): Promise<Release[]> {
    await this.migrate()
    return this.#deployments.releases.list(this.#db)
  }

  annotate(at: number, text: string): Promise<void> {
    return this.exclusive(async () => {
      await this.migrate()
      await this.inWriteTransaction(this.#db, (trx) => this.#deployments.annotations.add(trx, at, text))
    })
  }

  async annotations(from: number, to: number): Promise<Annotation[]> {
    await this.migrate()
    return this.#deployments.annotations.between(this.#db, from, to)
  }

  insertRuntime(samples: readonly RuntimeSample[]): Promise<void> {
    return this.exclusive(async () => {
      await this.migrate()
      await this.inWriteTransaction(this.#db, (trx) => this.#deployments.runtime.insert(trx, samples))
    })
  }

  async runtime(from: number, to: number, width: number): Promise<RuntimeReport> {
    await this.migrate()
    const { runtime } = this.#deployments
    return { points: await runtime.series(this.#db, from, to, width), lastSamples: await runtime.lastSamples(this.#db) }
  }

  alerts(): AlertStore {
    return this.#alerts
  }

  pruneRollups(before: number): Promise<number> {
    return this.exclusive(async () => {
      await this.migrate()
      this.#rollupWriter.forget()
      return pruneRollupTables(this.#db, this.#rollups, before)
    })
  }

  async close(): Promise<void> {
    if (this.#ownsDatabase) await this.#db.destroy()
  }

  /** Whether the statistics table exists, checked without creating anything. */
  async exists(): Promise<boolean> {
    const tables = await this.#db.introspection.getTables()
    return tables.some((table) => table.name === this.#table && (this.#schema === undefined || table.schema === this.#schema))
  }

  /** Every row of the range and filters, oldest first by row id, `pageSize` at a time (keyset pages). */
  async *eachPage(query: RowsQuery, pageSize = 5000): AsyncGenerator<RequestRow[]> {
    await this.migrate()
    yield* this.#reads.each(query, pageSize)
  }

  /** The log contents imported before whose first line hashes to `head` (see {@link ImportLedger}). */
  async importedContents(head: string): Promise<ImportedContent[]> {
    await this.migrate()
    return this.#imports.candidates(this.#db, head)
  }
}
