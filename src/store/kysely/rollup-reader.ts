import { type RawBuilder, sql } from 'kysely'
import type { PathSource, RollupSource } from '../../stats/rollup/rollup-batch.js'
import type { RollupCell, RollupDimension } from '../../stats/rollup/rollup-cell.js'
import type { RollupPlan, Span } from '../../stats/rollup/rollup-plan.js'
import { type CellRow, toCell } from './cell-row.js'
import { keyHash } from './key-hash.js'
import type { RollupCells } from '../rollup-cells.js'
import { hourlyHits, type RollupTables, type SqlRunner } from './rollup-tables.js'
import { OTHER_KEY_HASH } from './value-bound.js'
import { usableBlocks } from './block-sealer.js'
import { DAY_STATE } from './day-compactor.js'

/** Values per `in (…)` list. */
const CHUNK = 500

/** Counters summed over buckets and writers. */
const SUMS = sql.raw(
  'sum(hits) as hits, sum(errors) as errors, sum(bytes) as bytes, sum(timed) as timed, sum(time_sum) as time_sum, ' +
    'max(time_max) as time_max, max(last_at) as last_at',
)

/** The raw table, where an answer reads the parts of an hour at a range's edges. */
export interface RawRows {
  /** The rows of `span` (ms), as much of them as rollups count. */
  sources(span: Span): Promise<RollupSource[]>
  /** The rows of `span` (ms), as much of them as their paths' and routes' cells count. */
  paths(span: Span): Promise<PathSource[]>
  /** A query of the `visitor` of each row of `span`. */
  visitors(span: Span): RawBuilder<unknown>
  /** How many rows `span` has. */
  count(span: Span): Promise<number>
}

/**
 * Reads the rollups that {@link RollupWriter}s wrote, summing every writer's rows: what a range's
 * answer needs, each part in one query.
 */
export class RollupReader implements RollupCells {
  readonly #db: SqlRunner
  readonly #tables: RollupTables
  readonly #raw: RawRows

  constructor(db: SqlRunner, tables: RollupTables, raw: RawRows) {
    this.#db = db
    this.#tables = tables
    this.#raw = raw
  }

  async sealedDays([start, end]: Span): Promise<ReadonlySet<number>> {
    const { rows } = await sql<{ day: number | string }>`select day from ${this.#tables.days}
      where sealed = ${sql.lit(true)} and day >= ${start} and day < ${end}`.execute(this.#db)
    return new Set(rows.map((row) => Number(row.day)))
  }

  async compactedDays([start, end]: Span): Promise<ReadonlySet<number>> {
    const { rows } = await sql<{ day: number | string }>`select day from ${this.#tables.compact}
      where state = ${DAY_STATE.compacted} and day >= ${start} and day < ${end}`.execute(this.#db)
    return new Set(rows.map((row) => Number(row.day)))
  }

  usableBlocks(span: Span): Promise<ReadonlySet<string>> {
    return usableBlocks(this.#db, this.#tables, span)
  }

  rawSources(span: Span): Promise<RollupSource[]> {
    return this.#raw.sources(span)
  }

  rawPaths(span: Span): Promise<PathSource[]> {
    return this.#raw.paths(span)
  }

  rawCount(span: Span): Promise<number> {
    return this.#raw.count(span)
  }

  /**
   * Counters of `dims`, groups with few values (routes, status codes, browsers, …), summed over the
   * plan's cells per value: one row per value however long the range.
   */
  async sumByValue(plan: RollupPlan, dims: readonly RollupDimension[]): Promise<RollupCell[]> {
    const { rows } = await sql<CellRow>`
      select 0 as grain, 0 as bucket, dim, kh, min(value) as value, ${SUMS}
      from ${this.#tables.cells} where ${inPlan(plan)} and dim in (${sql.join(dims)}) group by dim, kh`.execute(this.#db)
    return rows.map(toCell)
  }

  /**
   * The `top` literal paths with the most requests over the plan (and those tied with the last),
   * and the paths `also` names (those of the raw rows at the range's edges, which may lift a path
   * into the top), their counters summed. Paths can be thousands a day: they are ranked in SQL on
   * their hits alone, and only the ranked ones are summed in full and come back.
   */
  async topPaths(plan: RollupPlan, top: number, also: readonly string[]): Promise<RollupCell[]> {
    // The folded tail is no path: it counts in `other` (the whole traffic minus the listed paths).
    const paths = sql`${this.#tables.cells} where ${inPlan(plan)} and dim = 'path' and kh <> ${OTHER_KEY_HASH}`
    const ranked = await sql<{ kh: string }>`
      select kh from (select kh, rank() over (order by sum(hits) desc) as r from ${paths} group by kh) ranked
      where r <= ${top}`.execute(this.#db)
    const hashes = [...new Set([...ranked.rows.map((row) => row.kh), ...also.map(keyHash)])]
    const cells: RollupCell[] = []
    for (let i = 0; i < hashes.length; i += CHUNK) {
      const { rows } = await sql<CellRow>`
        select 0 as grain, 0 as bucket, 'path' as dim, min(value) as value, ${SUMS}
        from ${paths} and kh in (${sql.join(hashes.slice(i, i + CHUNK))}) group by kh`.execute(this.#db)
      cells.push(...rows.map(toCell))
    }
    return cells
  }

  /**
   * The whole-traffic cells of the plan, one per bucket, each with the exact number of its
   * distinct visitors (their sketches: {@link sketches}).
   */
  async wholeTraffic(plan: RollupPlan): Promise<RollupCell[]> {
    const { rows } = await sql<CellRow>`
      select grain, bucket, 'all' as dim, null as value, ${SUMS} from ${this.#tables.cells}
      where ${inPlan(plan)} and dim = 'all' group by grain, bucket`.execute(this.#db)
    const counts = new Map<string, number>()
    const add = (grain: unknown, bucket: unknown, n: unknown) => {
      const key = `${Number(grain)}:${Number(bucket)}`
      counts.set(key, (counts.get(key) ?? 0) + Number(n))
    }
    // Sealed days have their count from sealing; only the visitors of late requests, if any, are
    // counted now: those not among the day's own.
    const { days, visitors, late } = this.#tables
    const dayRange =
      plan.days.length === 0
        ? sql`1 = 0`
        : sql.join(
            plan.days.map(([start, end]) => sql`(day >= ${start} and day < ${end})`),
            sql` or `,
          )
    const sealed = await sql<{ day: number | string; visitors: number | string }>`select day, visitors from ${days}
      where (${dayRange}) and visitors is not null`.execute(this.#db)
    for (const row of sealed.rows) add(24, row.day, row.visitors)
    const counted = sealed.rows.map((row) => Number(row.day))
    const lateDays =
      counted.length === 0
        ? []
        : (await sql<{ day: number | string }>`select distinct day from ${late} where day in (${sql.join(counted)})`.execute(this.#db)).rows
    for (const { day } of lateDays) {
      // `not in` a set the engine hashes once: a correlated `not exists` went quadratic on PostgreSQL
      // while its statistics still thought the day's late rows were few (3 s for 12,000 rows).
      const { rows: added } = await sql<{ n: number | string }>`
        select count(distinct visitor) as n from ${visitors} where grain = 24 and bucket = ${Number(day)} and writer <> ''
          and visitor not in (select visitor from ${visitors} where grain = 24 and bucket = ${Number(day)} and writer = '')`.execute(this.#db)
      add(24, day, added[0]?.n ?? 0)
    }
    const done = new Set(counted)
    const rest = {
      ...plan,
      days: plan.days.flatMap(([start, end]) =>
        wholeDays(start, end)
          .filter((day) => !done.has(day))
          .map((day): Span => [day, day + 24]),
      ),
    }
    if (rest.days.length + rest.hours.length > 0) {
      const others = await sql<{ grain: number | string; bucket: number | string; n: number | string }>`
        select grain, bucket, count(distinct visitor) as n from ${visitors} where ${inPlan(rest)} group by grain, bucket`.execute(this.#db)
      for (const row of others.rows) add(row.grain, row.bucket, row.n)
    }
    return rows.map((row) => {
      const cell = toCell(row)
      cell.visitorCount = counts.get(`${cell.grain}:${cell.bucket}`) ?? 0
      return cell
    })
  }

  hourlyHits(hours: Span): Promise<number> {
    return hourlyHits(this.#db, this.#tables, hours)
  }

  /**
   * The histograms and visitor sketches of some values of `dim` over the plan, a cell per bucket
   * and writer (counters zeroed: {@link sumByValue} counted them) — read for the listed values
   * only, the costly part.
   */
  async sketches(plan: RollupPlan, dim: RollupDimension, values: readonly (string | null)[]): Promise<RollupCell[]> {
    if (values.length === 0) return []
    const byHash = new Map(values.map((value) => [keyHash(value), value]))
    const { rows } = await sql<CellRow & { kh: string }>`
      select grain, bucket, dim, kh, 0 as hits, 0 as errors, 0 as bytes, 0 as timed, 0 as time_sum,
        null as time_max, 0 as last_at, histogram, visitors
      from ${this.#tables.sketches} where ${inPlan(plan)} and dim = ${dim} and kh in (${sql.join([...byHash.keys()])})`.execute(this.#db)
    return rows.map((row) => toCell({ ...row, value: byHash.get(row.kh) ?? null }))
  }

  /** Distinct visitors in the union of the plan's buckets and the raw rows of its raw spans. */
  async countVisitors(plan: RollupPlan): Promise<number> {
    const stored = plan.days.length + plan.hours.length === 0 ? [] : [sql`select visitor from ${this.#tables.visitors} where ${inPlan(plan)}`]
    const parts = [...stored, ...plan.raw.map((span) => this.#raw.visitors(span))]
    if (parts.length === 0) return 0
    const { rows } = await sql<{ n: number | string }>`select count(distinct visitor) as n from (${sql.join(parts, sql` union all `)}) u`.execute(this.#db)
    return Number(rows[0]?.n ?? 0)
  }
}

/** The first hours of the days of [start, end) (hours). */
function wholeDays(start: number, end: number): number[] {
  return Array.from({ length: (end - start) / 24 }, (_, i) => start + 24 * i)
}

/** The rows of the plan's blocks, whole days and whole hours. */
function inPlan(plan: RollupPlan): RawBuilder<unknown> {
  const spans = [
    ...plan.blocks.map(([grain, start]) => sql`(grain = ${grain} and bucket = ${start})`),
    ...plan.days.map(([start, end]) => sql`(grain = 24 and bucket >= ${start} and bucket < ${end})`),
    ...plan.hours.map(([start, end]) => sql`(grain = 1 and bucket >= ${start} and bucket < ${end})`),
  ]
  return spans.length === 0 ? sql`1 = 0` : sql`(${sql.join(spans, sql` or `)})`
}
