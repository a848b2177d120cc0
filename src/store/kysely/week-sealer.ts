import { type Kysely, sql } from 'kysely'
import { WEEK_HOURS } from '../../stats/rollup-plan.js'
import { writeCoarserCells } from './coarser-cells.js'
import type { InsertRows } from './insert-rows.js'
import type { RollupTables, SqlRunner } from './rollup-tables.js'
import type { SqlFlavor } from './sql-flavor.js'
import { writeTransaction } from './write-transaction.js'

/**
 * Sums sealed days into weekly cells, so that a month's breakdowns read five cells per value
 * rather than thirty. A week is summed once all seven of its days are sealed; its whole-traffic
 * cell, written last, says it is complete. Writers never add to weekly cells: a request that comes
 * late to one of its days is noted in the `late` table, and readers then read that week from its
 * days (see {@link usableWeeks}), which stay exact.
 */
export class WeekSealer {
  readonly #db: Kysely<unknown>
  readonly #tables: RollupTables
  readonly #flavor: SqlFlavor
  readonly #lockMs: number
  readonly #maxValues: number
  readonly #insertRows: InsertRows

  constructor(db: Kysely<unknown>, tables: RollupTables, flavor: SqlFlavor, lockMs: number, maxValues: number, insertRows: InsertRows) {
    this.#db = db
    this.#tables = tables
    this.#flavor = flavor
    this.#lockMs = lockMs
    this.#maxValues = maxValues
    this.#insertRows = insertRows
  }

  /** Sums every week whose days are all sealed and none late, if not summed yet; returns how many. */
  async sealDue(): Promise<number> {
    const { rows } = await sql<{ day: number | string }>`select day from ${this.#tables.days}
      where sealed = ${this.#flavor.toBoolean(true)}`.execute(this.#db)
    const daysOf = new Map<number, number>()
    for (const { day } of rows) {
      const week = weekOf(Number(day))
      daysOf.set(week, (daysOf.get(week) ?? 0) + 1)
    }
    const complete = [...daysOf].filter(([, days]) => days === 7).map(([week]) => week)
    if (complete.length === 0) return 0
    const done = await usableWeeks(this.#db, this.#tables, [Math.min(...complete), Math.max(...complete) + WEEK_HOURS], true)
    let sealed = 0
    for (const week of complete) if (!done.has(week) && (await this.#seal(week))) sealed++
    return sealed
  }

  async #seal(week: number): Promise<boolean> {
    const { days, late, cells } = this.#tables
    const daysOfWeek = sql`day >= ${week} and day < ${week + WEEK_HOURS}`
    return writeTransaction(this.#db, this.#flavor, { statementMs: 60_000, lockMs: this.#lockMs }, async (trx) => {
      // The days' rows locked, as a writer's late request to a day would read them: it waits, or
      // came before and is seen here. Another instance summing the same week waits too, then finds it done.
      await sql`update ${days} set sealed = ${this.#flavor.toBoolean(true)} where ${daysOfWeek}`.execute(trx)
      const { rows } = await sql<{ n: number | string }>`select (select count(*) from ${late} where ${daysOfWeek})
        + (select count(*) from ${cells} where grain = ${WEEK_HOURS} and bucket = ${week} and dim = 'all') as n`.execute(trx)
      if (Number(rows[0]?.n ?? 0) > 0) return false
      const where = sql`grain = 24 and bucket >= ${week} and bucket < ${week + WEEK_HOURS}`
      await writeCoarserCells(trx, this.#tables, this.#insertRows, { where, grain: WEEK_HOURS, bucket: week, maxValues: this.#maxValues })
      return true
    })
  }
}

/** The first hour of the week `hour` falls in. */
function weekOf(hour: number): number {
  return Math.floor(hour / WEEK_HOURS) * WEEK_HOURS
}

/**
 * The weeks of `span` (hours) whose weekly cells are complete and exact: summed, and no request
 * came late to any of their days since (`includeLate`: summed, late or not).
 */
export async function usableWeeks(db: SqlRunner, tables: RollupTables, [start, end]: readonly [number, number], includeLate = false): Promise<Set<number>> {
  const { rows } = await sql<{ bucket: number | string }>`select bucket from ${tables.cells}
    where grain = ${WEEK_HOURS} and dim = 'all' and bucket >= ${start} and bucket < ${end}`.execute(db)
  const weeks = new Set(rows.map((row) => Number(row.bucket)))
  if (includeLate || weeks.size === 0) return weeks
  const late = await sql<{ day: number | string }>`select distinct day from ${tables.late} where day >= ${start} and day < ${end}`.execute(db)
  for (const { day } of late.rows) weeks.delete(weekOf(Number(day)))
  return weeks
}
