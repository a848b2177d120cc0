import { type RawBuilder, sql } from 'kysely'
import type { RuntimePoint, RuntimeReport, RuntimeSample } from '../../stats/runtime/runtime-sample.js'
import { nullableNumber } from './sql-values.js'
import type { SqlRunner } from './rollup-tables.js'
import type { ColumnKind, SqlFlavor } from './sql-flavor.js'

const COLUMNS = ['instance', 'at', 'loop_p50', 'loop_p99', 'heap_used', 'rss', 'cpu'] as const
const KINDS: ColumnKind[] = ['text', 'integer', 'real', 'real', 'integer', 'integer', 'real']

/** Runtime samples of every instance, a row per instance and sample, in their own small table. */
export class RuntimeTable {
  readonly #table: RawBuilder<unknown>
  readonly #flavor: SqlFlavor

  constructor(table: RawBuilder<unknown>, flavor: SqlFlavor) {
    this.#table = table
    this.#flavor = flavor
  }

  /** Writes `samples`; one written before (a retry) is skipped. */
  async insert(db: SqlRunner, samples: readonly RuntimeSample[]): Promise<void> {
    if (samples.length === 0) return
    const rows = samples.map((s) => [s.instance, s.at, s.loopP50, s.loopP99, s.heapUsed, s.rss, s.cpu])
    const columns = sql.join(COLUMNS.map((column) => sql.ref(column)))
    await sql`insert into ${this.#table} (${columns}) ${this.#flavor.rowSource(rows, KINDS)} ${this.#flavor.skipDuplicates(['instance', 'at'])}`.execute(db)
  }

  /** Each instance's samples in [from, to) ms, merged per `width` ms (see {@link RuntimePoint}). */
  async series(db: SqlRunner, from: number, to: number, width: number): Promise<RuntimePoint[]> {
    const at = sql.ref('at')
    // A literal: PostgreSQL would not see two parameters of one value as the same grouped expression.
    const start = sql`${at} - ${at} % ${sql.lit(Math.trunc(width))}`
    const { rows } = await sql<Record<'instance' | 'start' | 'p50' | 'p99' | 'heap' | 'rss' | 'cpu', string | number>>`
      select instance, ${start} as start, avg(loop_p50) as p50, max(loop_p99) as p99, avg(heap_used) as heap, max(rss) as rss, avg(cpu) as cpu
      from ${this.#table} where ${at} >= ${from} and ${at} < ${to}
      group by instance, ${start} order by instance, start`.execute(db)
    return rows.map((row) => ({
      instance: String(row.instance),
      t: new Date(Number(row.start)).toISOString(),
      loopP50: nullableNumber(row.p50) ?? 0,
      loopP99: nullableNumber(row.p99) ?? 0,
      heapUsed: Math.round(Number(row.heap)),
      rss: Number(row.rss),
      cpu: nullableNumber(row.cpu) ?? 0,
    }))
  }

  /** Each instance's latest sample: which instances still report. */
  async lastSamples(db: SqlRunner): Promise<RuntimeReport['lastSamples']> {
    const { rows } = await sql<{ instance: string; last: number | string }>`
      select instance, max(${sql.ref('at')}) as last from ${this.#table} group by instance order by instance`.execute(db)
    return rows.map((row) => ({ instance: row.instance, at: new Date(Number(row.last)).toISOString() }))
  }

  /** Deletes the samples taken before `before` (ms); how many. */
  async prune(db: SqlRunner, before: number): Promise<number> {
    const result = await sql`delete from ${this.#table} where ${sql.ref('at')} < ${before}`.execute(db)
    return Number(result.numAffectedRows ?? 0)
  }
}
