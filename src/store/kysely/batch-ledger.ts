import { type RawBuilder, sql } from 'kysely'
import type { SqlRunner } from './rollup-tables.js'
import type { SqlFlavor } from './sql-flavor.js'

/** How long a batch's id is kept: a retry comes within seconds, or minutes after an outage. */
const KEEP_MS = 2 * 86_400_000
/** How often old ids are deleted. */
const FORGET_EVERY_MS = 3_600_000

/**
 * The ids of the batches written, stored in each batch's own transaction: a batch sent again after
 * an unknown outcome (a COMMIT whose answer was lost, a write that timed out) finds its id and is
 * skipped, so nothing is counted twice whatever fails when.
 */
export class BatchLedger {
  readonly #table: RawBuilder<unknown>
  readonly #flavor: SqlFlavor
  #forgotAt = 0

  constructor(table: RawBuilder<unknown>, flavor: SqlFlavor) {
    this.#table = table
    this.#flavor = flavor
  }

  /**
   * Records `id` inside the batch's transaction; false when a batch with that id was committed
   * before (a transaction still holding it is waited for, up to the lock timeout).
   */
  async claim(db: SqlRunner, id: string): Promise<boolean> {
    const result = await this.#flavor.insertNew(this.#table, ['id', 'at'], this.#flavor.rowSource([[id, Date.now()]], ['text', 'integer'])).execute(db)
    return Number(result.numAffectedRows ?? 0) > 0
  }

  /** Deletes the ids older than two days, at most once an hour; outside any batch's transaction. */
  async forgetOld(db: SqlRunner): Promise<void> {
    const now = Date.now()
    if (now - this.#forgotAt < FORGET_EVERY_MS) return
    this.#forgotAt = now
    await sql`delete from ${this.#table} where at < ${now - KEEP_MS}`.execute(db)
  }
}
