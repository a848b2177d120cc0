import { sql } from 'kysely'
import { RollupBatch } from '../../stats/rollup/rollup-batch.js'
import { COMPACTED_GROUPS, HOUR_MS } from '../../stats/rollup/rollup-cell.js'
import type { Span } from '../../stats/rollup/rollup-plan.js'
import type { RawRows } from './rollup-reader.js'
import { hourlyHits, type SqlRunner } from './rollup-tables.js'
import { RollupWriter } from './rollup-writer.js'
import type { SealerContext } from './sealer-context.js'
import { writeTransaction } from './write-transaction.js'

/** How long after its end a sealed day may be compacted: ranges of the last day or two keep reading hourly cells. */
const COMPACT_AFTER_HOURS = 48
/** How long a day waits, once noted, before it is compacted: an import of old logs writes to its days meanwhile. */
const QUIET_MS = 86_400_000
/** Hours only: a restored day's daily cells are there already. */
const HOURS_ONLY = () => false

/** Runs a step of the work in a turn of the store's writes. */
export type Turn = <T>(work: () => Promise<T>) => Promise<T>

/** A day's state in the compaction table. */
export const DAY_STATE = { noted: 0, compacted: 1, whole: 2 } as const

/**
 * Compacts sealed days: drops the hourly cells and sketches of paths and routes (`COMPACTED_GROUPS`:
 * nearly one cell per two requests, most of the rollups), keeping those of the whole traffic and of
 * the few-valued groups, and the hourly visitors. A range that cuts such a day at an hour reads that
 * part of the day's paths and routes from its raw rows instead (see `statsFromRollups`), two columns
 * of them; whole days read daily cells as before. So a day is compacted only while its raw rows are
 * exactly what its cells count, and {@link restoreBefore} builds its hours again before a prune
 * deletes rows of it. A day whose rows and cells differ (rows deleted or added with plain SQL) is
 * left whole.
 *
 * A day is noted two days after it ends and compacted a day after that: each in one transaction
 * that first locks the day's row, as a seal does, so a writer adding a late request to the day
 * waits, or committed before and is counted. Late requests after it add hourly path and route
 * cells that nothing reads, until a restore replaces them.
 */
export class DayCompactor {
  readonly #context: SealerContext
  readonly #raw: (db: SqlRunner) => RawRows

  constructor(context: SealerContext, raw: (db: SqlRunner) => RawRows) {
    this.#context = context
    this.#raw = raw
  }

  /**
   * Notes every sealed day that ended two days or more before `now`, and compacts those noted a day
   * or more before; each step in a `turn` of the store's writes (a SQLite file's batches go on
   * between days). Returns how many it compacted.
   */
  async compactDue(now: number, turn: Turn = (work) => work()): Promise<number> {
    const due = await turn(() => this.#noteDue(now))
    let compacted = 0
    for (const day of due) if (await turn(() => this.#compact(day))) compacted++
    return compacted
  }

  /** Notes the days that ended two days or more before `now`; returns those due for compaction. */
  async #noteDue(now: number): Promise<number[]> {
    const { db, tables, flavor } = this.#context
    const endHour = Math.floor(now / HOUR_MS) - COMPACT_AFTER_HOURS
    const { rows: ended } = await sql<{ day: number | string }>`select day from ${tables.days} d
      where sealed = ${flavor.toBoolean(true)} and day + 24 <= ${endHour}
        and not exists (select 1 from ${tables.compact} c where c.day = d.day)`.execute(db)
    if (ended.length > 0) {
      const rows = ended.map(({ day }) => [Number(day), DAY_STATE.noted, now])
      await flavor.insertNew(tables.compact, ['day', 'state', 'noted_at'], flavor.rowSource(rows, ['integer', 'integer', 'integer'])).execute(db)
    }
    const { rows: due } = await sql<{ day: number | string }>`select day from ${tables.compact}
      where state = ${DAY_STATE.noted} and noted_at <= ${now - QUIET_MS} order by day`.execute(db)
    return due.map(({ day }) => Number(day))
  }

  /**
   * Builds the hourly path and route cells of every compacted day with rows before `before` again
   * from its raw rows, as writer `''`, and un-compacts it: called before those rows are pruned.
   */
  async restoreBefore(before: number): Promise<number> {
    const { db, tables } = this.#context
    const { rows } = await sql<{ day: number | string }>`select day from ${tables.compact}
      where state = ${DAY_STATE.compacted} and day < ${Math.ceil(before / HOUR_MS)} order by day`.execute(db)
    for (const { day } of rows) await this.#restore(Number(day))
    return rows.length
  }

  async #compact(day: number): Promise<boolean> {
    const { db, tables, flavor, lockMs } = this.#context
    return writeTransaction(db, flavor, { statementMs: 60_000, lockMs }, async (trx) => {
      if (!(await this.#lockDay(trx, day))) return false
      // Another instance may have compacted it while this one waited for the lock.
      const { rows: noted } = await sql`select 1 as found from ${tables.compact} where day = ${day} and state = ${DAY_STATE.noted}`.execute(trx)
      if (noted.length === 0) return false
      const intact = (await hourlyHits(trx, tables, [day, day + 24])) === (await this.#raw(trx).count(daySpan(day)))
      const state = intact ? DAY_STATE.compacted : DAY_STATE.whole
      await sql`update ${tables.compact} set state = ${state} where day = ${day}`.execute(trx)
      if (intact) await this.#dropPathHours(trx, day)
      return intact
    })
  }

  async #restore(day: number): Promise<void> {
    const { db, tables, flavor, lockMs, insertRows, maxValues } = this.#context
    await writeTransaction(db, flavor, { statementMs: 60_000, lockMs }, async (trx) => {
      await this.#lockDay(trx, day)
      const removed = await sql`delete from ${tables.compact} where day = ${day} and state = ${DAY_STATE.compacted}`.execute(trx)
      if (Number(removed.numAffectedRows ?? 0) === 0) return
      // Late requests since the compaction left path and route cells in its hours: the raw rows count them too.
      await this.#dropPathHours(trx, day)
      const batch = new RollupBatch()
      // An hour at a time: a busy day's rows need not all be in memory at once.
      for (let hour = day; hour < day + 24; hour++) {
        for (const source of await this.#raw(trx).paths([hour * HOUR_MS, (hour + 1) * HOUR_MS])) batch.addPaths(source)
      }
      await new RollupWriter(tables, flavor, insertRows, '', maxValues).writeCells(trx, batch.cells(HOURS_ONLY))
    })
  }

  /** Locks the day's row against writers until the transaction ends; false if the day is not sealed. */
  async #lockDay(trx: SqlRunner, day: number): Promise<boolean> {
    const { tables, flavor } = this.#context
    const locked = await sql`update ${tables.days} set sealed = ${flavor.toBoolean(true)}
      where day = ${day} and sealed = ${flavor.toBoolean(true)}`.execute(trx)
    return Number(locked.numAffectedRows ?? 0) > 0
  }

  async #dropPathHours(trx: SqlRunner, day: number): Promise<void> {
    const { tables } = this.#context
    const pathHours = sql`grain = 1 and bucket >= ${day} and bucket < ${day + 24} and dim in (${sql.join(COMPACTED_GROUPS)})`
    await sql`delete from ${tables.cells} where ${pathHours}`.execute(trx)
    await sql`delete from ${tables.sketches} where ${pathHours}`.execute(trx)
  }
}

function daySpan(day: number): Span {
  return [day * HOUR_MS, (day + 24) * HOUR_MS]
}
