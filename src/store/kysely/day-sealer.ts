import { sql } from 'kysely'
import { HOUR_MS } from '../../stats/rollup/rollup-cell.js'
import { writeCoarserCells } from './coarser-cells.js'
import type { SealerContext } from './sealer-context.js'
import { writeTransaction } from './write-transaction.js'

/** How long after its end a day is sealed: writes of its last requests have long committed by then. */
const SEAL_AFTER_MS = HOUR_MS
/** How often a store looks for days to seal. */
const SEAL_EVERY_MS = 600_000

/**
 * Seals days: once a day has ended, sums its hourly cells, visitors and sketches (every writer's)
 * into daily ones, as writer `''`, in one transaction, and marks the day sealed. Writers add daily
 * cells only for sealed days, so a batch writes half the rollup rows it would otherwise — the
 * daily cells of a day come once, from its hours.
 *
 * A writer reads its days' rows with a shared lock inside its transaction, and a sealer updates
 * the row, so the two never overlap: a writer that saw the day open commits its hours before the
 * sealer sums them; one that comes after sees it sealed and adds its daily cells itself.
 */
export class DaySealer {
  readonly #context: SealerContext
  #lookedAt = 0

  constructor(context: SealerContext) {
    this.#context = context
  }

  /** Whether it is time to look for days to seal again (every ten minutes); true counts as a look. */
  due(now: number): boolean {
    if (now - this.#lookedAt < SEAL_EVERY_MS) return false
    this.#lookedAt = now
    return true
  }

  /** Seals every open day that ended an hour or more before `now`; returns how many it sealed. */
  async sealDue(now: number): Promise<number> {
    const endHour = Math.floor((now - SEAL_AFTER_MS) / HOUR_MS)
    const { db, tables, flavor } = this.#context
    const { rows } = await sql<{ day: number | string }>`select day from ${tables.days}
      where sealed = ${flavor.toBoolean(false)} and day + 24 <= ${endHour} order by day`.execute(db)
    let sealed = 0
    for (const { day } of rows) if (await this.#seal(Number(day))) sealed++
    return sealed
  }

  async #seal(day: number): Promise<boolean> {
    const { db, tables, flavor, lockMs } = this.#context
    const { visitors, days } = tables
    const hours = sql`grain = 1 and bucket >= ${day} and bucket < ${day + 24}`
    const bucket = sql.lit(day)
    // A writer stalled with the day's row locked makes this fail on its lock limit: tried again next round.
    return writeTransaction(db, flavor, { statementMs: 60_000, lockMs }, async (trx) => {
      const marked = await sql`update ${days} set sealed = ${flavor.toBoolean(true)}
        where day = ${day} and sealed = ${flavor.toBoolean(false)}`.execute(trx)
      if (Number(marked.numAffectedRows ?? 0) === 0) return false
      await writeCoarserCells(trx, this.#context, { where: hours, grain: 24, bucket: day })
      await sql`insert into ${visitors} (grain, bucket, visitor, writer)
        select distinct 24, ${bucket}, visitor, '' from ${visitors} where ${hours}`.execute(trx)
      // The day's visitors as of now; readers add those of requests that come late (see RollupReader).
      await sql`update ${days} set visitors = (select count(*) from ${visitors} where grain = 24 and bucket = ${bucket} and writer = '')
        where day = ${day}`.execute(trx)
      return true
    })
  }
}
