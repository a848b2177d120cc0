import { sql } from 'kysely'
import { BLOCK_GRAINS, type Span } from '../../stats/rollup/rollup-plan.js'
import { writeCoarserCells } from './coarser-cells.js'
import type { RollupTables, SqlRunner } from './rollup-tables.js'
import type { SealerContext } from './sealer-context.js'
import { writeTransaction } from './write-transaction.js'

/**
 * Sums sealed days into block cells — runs of 2, 4, 8 … days (see BLOCK_GRAINS) — so that a
 * month's breakdowns read a handful of cells per value rather than thirty. A block is summed from
 * its two halves once both are there (two sealed days, or two summed blocks); its whole-traffic
 * cell, written with the rest, says it is complete. Writers never add to block cells: a request
 * that comes late to one of its days is noted in the `late` table, and readers then read around
 * that day (see {@link usableBlocks}), which stays exact.
 */
export class BlockSealer {
  readonly #context: SealerContext

  constructor(context: SealerContext) {
    this.#context = context
  }

  /** Sums every block whose halves are there and whose days none came late to; returns how many. */
  async sealDue(): Promise<number> {
    const { db, tables, flavor } = this.#context
    const { rows } = await sql<{ day: number | string }>`select day from ${tables.days}
      where sealed = ${flavor.toBoolean(true)}`.execute(db)
    if (rows.length === 0) return 0
    let below = new Set(rows.map((row) => Number(row.day)))
    const span: Span = [Math.min(...below), Math.max(...below) + 24]
    const summed = await usableBlocks(db, tables, span, true)
    let sealed = 0
    for (const grain of BLOCK_GRAINS) {
      const half = grain / 2
      const here = new Set<number>()
      for (const start of below) {
        if (start % grain !== 0 || !below.has(start + half)) continue
        const outcome = summed.has(`${grain}:${start}`) ? 'there' : await this.#seal(grain, start)
        if (outcome !== 'late') here.add(start)
        if (outcome === 'summed') sealed++
      }
      below = here
    }
    return sealed
  }

  /** Sums the block of `grain` hours from `start` from its halves, unless it is there or a day came late. */
  async #seal(grain: number, start: number): Promise<'summed' | 'there' | 'late'> {
    const { db, tables, flavor, lockMs } = this.#context
    const { days, late, cells } = tables
    const daysOfBlock = sql`day >= ${start} and day < ${start + grain}`
    return writeTransaction(db, flavor, { statementMs: 60_000, lockMs }, async (trx) => {
      // The days' rows locked, as a writer's late request to a day would read them: it waits, or
      // came before and is seen here. Another instance summing the same block waits too, then finds it done.
      await sql`update ${days} set sealed = ${flavor.toBoolean(true)} where ${daysOfBlock}`.execute(trx)
      const { rows } = await sql<{ late: number | string; there: number | string }>`select
        (select count(*) from ${late} where ${daysOfBlock}) as late,
        (select count(*) from ${cells} where grain = ${grain} and bucket = ${start} and dim = 'all') as there`.execute(trx)
      if (Number(rows[0]?.late ?? 0) > 0) return 'late'
      if (Number(rows[0]?.there ?? 0) > 0) return 'there'
      const half = grain / 2
      const where = sql`grain = ${half} and bucket in (${start}, ${start + half})`
      await writeCoarserCells(trx, this.#context, { where, grain, bucket: start })
      return 'summed'
    })
  }
}

/**
 * The blocks (`grain:start`) of `span` (hours) whose cells are complete and exact: summed, and no
 * request came late to any of their days since (`includeLate`: summed, late or not).
 */
export async function usableBlocks(db: SqlRunner, tables: RollupTables, [start, end]: Span, includeLate = false): Promise<Set<string>> {
  const { rows } = await sql<{ grain: number | string; bucket: number | string }>`select grain, bucket from ${tables.cells}
    where grain > 24 and dim = 'all' and bucket >= ${start} and bucket < ${end}`.execute(db)
  const blocks = rows.map((row) => [Number(row.grain), Number(row.bucket)] as const)
  if (includeLate || blocks.length === 0) return new Set(blocks.map(([grain, first]) => `${grain}:${first}`))
  const late = await sql<{ day: number | string }>`select distinct day from ${tables.late} where day >= ${start} and day < ${end}`.execute(db)
  const lateDays = late.rows.map((row) => Number(row.day))
  return new Set(blocks.filter(([grain, first]) => !lateDays.some((day) => day >= first && day < first + grain)).map(([grain, first]) => `${grain}:${first}`))
}
