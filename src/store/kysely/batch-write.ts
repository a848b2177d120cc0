import type { Kysely } from 'kysely'
import type { RequestRecord } from '../../record/request-record.js'
import { RollupBatch } from '../../stats/rollup/rollup-batch.js'
import type { ImportStep } from '../imported-content.js'
import type { InsertOptions } from '../store.js'
import type { BatchLedger } from './batch-ledger.js'
import type { ImportLedger } from './import-ledger.js'
import type { ReleaseLedger } from './release-ledger.js'
import type { RequestDatabase } from './request-table.js'
import type { RollupWriter } from './rollup-writer.js'
import type { SqlFlavor } from './sql-flavor.js'
import { withTimeout } from './with-timeout.js'

/** What a batch's write needs of its store. */
export interface BatchWriteContext {
  db: Kysely<RequestDatabase>
  flavor: SqlFlavor
  /** Longest whole write, ms, on engines with write limits. */
  writeMs: number
  /** The first part of the ids of batches given none: random, one per store object. */
  idPrefix: string
  batches: BatchLedger
  imports: ImportLedger
  releases: ReleaseLedger
  rollupWriter: RollupWriter
  migrate(): Promise<void>
  /** The store's hooks: its write transaction, and how it inserts raw rows. */
  inWriteTransaction<T>(db: Kysely<RequestDatabase>, body: (trx: Kysely<RequestDatabase>) => Promise<T>): Promise<T>
  insertRows(trx: Kysely<RequestDatabase>, records: readonly RequestRecord[]): Promise<void>
  /** Called after each committed batch (the store seals days now and then). */
  committed(): void
}

/**
 * The write of request batches: raw rows and their rollups in one transaction, one batch at a time
 * per store (a writer's own rollup rows are read and rewritten by one write only), each batch's id
 * claimed in its transaction so that a batch sent again is skipped.
 */
export class BatchWrite {
  readonly #context: BatchWriteContext
  #sequence = 0
  #turn: Promise<unknown> = Promise.resolve()

  constructor(context: BatchWriteContext) {
    this.#context = context
  }

  insert(records: readonly RequestRecord[], options: InsertOptions): Promise<void> {
    if (records.length === 0) return Promise.resolve()
    const context = this.#context
    const id = options.id ?? `${context.idPrefix}:${this.#sequence++}`
    const write = async () => {
      await context.migrate()
      const batch = new RollupBatch()
      for (const record of records) batch.add(record)
      const transaction = this.#transaction(id, records, batch, options.imported)
      await (context.flavor.writeLimits === undefined ? transaction : withTimeout(transaction, context.writeMs, 'writing a batch'))
      // In the background: the write is done, and a connection that hangs here must not hold it.
      context.batches.forgetOld(context.db).catch(() => undefined)
    }
    const result = this.#turn.then(write, write)
    this.#turn = result.catch(() => undefined)
    return result
  }

  async #transaction(id: string, records: readonly RequestRecord[], batch: RollupBatch, imported: ImportStep | undefined): Promise<void> {
    const context = this.#context
    if (context.flavor.oneWriter === undefined) await context.rollupWriter.prepare(context.db, batch)
    const committed = await context.inWriteTransaction(context.db, async (trx) => {
      if (!(await context.batches.claim(trx, id))) return undefined
      if (imported !== undefined) await context.imports.advance(trx, imported)
      await context.insertRows(trx, records)
      await context.releases.record(trx, records)
      return context.rollupWriter.write(trx, batch)
    })
    committed?.()
    context.committed()
  }
}
