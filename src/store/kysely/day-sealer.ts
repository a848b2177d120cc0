import { type Kysely, sql } from 'kysely'
import { LatencyHistogram } from '../../stats/latency-histogram.js'
import { HOUR_MS } from '../../stats/rollup-cell.js'
import { VisitorSketch } from '../../stats/visitor-sketch.js'
import type { InsertRows } from './insert-rows.js'
import type { RollupTables } from './rollup-tables.js'
import type { ColumnKind, SqlFlavor } from './sql-flavor.js'
import { OTHER_KEY_HASH } from './value-bound.js'
import { writeTransaction } from './write-transaction.js'

/** How long after its end a day is sealed: writes of its last requests have long committed by then. */
const SEAL_AFTER_MS = HOUR_MS
/** How often a store looks for days to seal. */
const SEAL_EVERY_MS = 600_000
const SKETCH_KINDS: ColumnKind[] = ['integer', 'text', 'integer', 'text', 'text', 'text', 'text']

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
  readonly #db: Kysely<unknown>
  readonly #tables: RollupTables
  readonly #flavor: SqlFlavor
  readonly #lockMs: number
  readonly #maxValues: number
  readonly #insertRows: InsertRows
  #lookedAt = 0

  /** `maxValues`: values kept per group in a day's cells, the rest folded (see ValueBound). */
  constructor(db: Kysely<unknown>, tables: RollupTables, flavor: SqlFlavor, lockMs: number, maxValues: number, insertRows: InsertRows) {
    this.#db = db
    this.#tables = tables
    this.#flavor = flavor
    this.#lockMs = lockMs
    this.#maxValues = maxValues
    this.#insertRows = insertRows
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
    const { rows } = await sql<{ day: number | string }>`select day from ${this.#tables.days}
      where sealed = ${this.#flavor.toBoolean(false)} and day + 24 <= ${endHour} order by day`.execute(this.#db)
    let sealed = 0
    for (const { day } of rows) if (await this.#seal(Number(day))) sealed++
    return sealed
  }

  async #seal(day: number): Promise<boolean> {
    const { cells, visitors, sketches, days } = this.#tables
    const hours = sql`grain = 1 and bucket >= ${day} and bucket < ${day + 24}`
    const bucket = sql.lit(day)
    // A writer stalled with the day's row locked makes this fail on its lock limit: tried again next round.
    return writeTransaction(this.#db, this.#flavor, { statementMs: 60_000, lockMs: this.#lockMs }, async (trx) => {
      const marked = await sql`update ${days} set sealed = ${this.#flavor.toBoolean(true)}
        where day = ${day} and sealed = ${this.#flavor.toBoolean(false)}`.execute(trx)
      if (Number(marked.numAffectedRows ?? 0) === 0) return false
      // The day's busiest values of each group keep cells of their own; the rest, and what the
      // hours had folded already, make the day's folded tail (see ValueBound).
      const ranked = sql`(select dim, kh, min(value) as value, sum(hits) as hits, sum(errors) as errors, sum(bytes) as bytes,
          sum(timed) as timed, sum(time_sum) as time_sum, max(time_max) as time_max, max(last_at) as last_at,
          row_number() over (partition by dim, kh = ${OTHER_KEY_HASH} order by sum(hits) desc, kh) as r
        from ${cells} where ${hours} group by dim, kh) ranked`
      const tail = sql`kh = ${OTHER_KEY_HASH} or r > ${this.#maxValues}`
      await sql`insert into ${cells} (grain, dim, bucket, kh, writer, value, hits, errors, bytes, timed, time_sum, time_max, last_at)
        select 24, dim, ${bucket}, kh, '', value, hits, errors, bytes, timed, time_sum, time_max, last_at
        from ${ranked} where not (${tail})`.execute(trx)
      await sql`insert into ${cells} (grain, dim, bucket, kh, writer, value, hits, errors, bytes, timed, time_sum, time_max, last_at)
        select 24, dim, ${bucket}, ${OTHER_KEY_HASH}, '', null, sum(hits), sum(errors), sum(bytes), sum(timed), sum(time_sum), max(time_max), max(last_at)
        from ${ranked} where ${tail} group by dim`.execute(trx)
      const kept = await sql<{ dim: string; kh: string }>`select dim, kh from ${cells}
        where grain = 24 and bucket = ${bucket} and writer = '' and kh <> ${OTHER_KEY_HASH}`.execute(trx)
      const keptKeys = new Set(kept.rows.map((row) => `${row.dim}\0${row.kh}`))
      await sql`insert into ${visitors} (grain, bucket, visitor, writer)
        select distinct 24, ${bucket}, visitor, '' from ${visitors} where ${hours}`.execute(trx)
      // The day's visitors as of now; readers add those of requests that come late (see RollupReader).
      await sql`update ${days} set visitors = (select count(*) from ${visitors} where grain = 24 and bucket = ${bucket} and writer = '')
        where day = ${day}`.execute(trx)
      const { rows } = await sql<{ dim: string; kh: string; histogram: string | null; visitors: string | null }>`
        select dim, kh, histogram, visitors from ${sketches} where ${hours}`.execute(trx)
      const merged = new Map<string, { dim: string; kh: string; histogram?: LatencyHistogram; visitors?: VisitorSketch }>()
      for (const row of rows) {
        const key = `${row.dim}\0${row.kh}`
        // A folded value's sketch goes with it: the tail keeps counters alone.
        if (!keptKeys.has(key)) continue
        const sum = merged.get(key) ?? { dim: row.dim, kh: row.kh }
        if (row.histogram !== null) (sum.histogram ??= new LatencyHistogram()).merge(LatencyHistogram.decode(row.histogram))
        if (row.visitors !== null) (sum.visitors ??= new VisitorSketch()).merge(VisitorSketch.decode(row.visitors))
        merged.set(key, sum)
      }
      const all = [...merged.values()].map((sum) => [24, sum.dim, day, sum.kh, '', sum.histogram?.encode() ?? null, sum.visitors?.encode() ?? null])
      await this.#insertRows(trx, (rows) => sql`insert into ${sketches} (grain, dim, bucket, kh, writer, histogram, visitors) ${rows}`, all, SKETCH_KINDS)
      return true
    })
  }
}
