import { createHash } from 'node:crypto'
import { type RawBuilder, sql } from 'kysely'
import { LatencyHistogram } from '../../stats/latency-histogram.js'
import type { RollupBatch } from '../../stats/rollup-batch.js'
import { cellId, HOUR_MS, mergeCell, type RollupCell, type RollupDimension } from '../../stats/rollup-cell.js'
import type { RollupPlan } from '../../stats/rollup-plan.js'
import { VisitorSketch } from '../../stats/visitor-sketch.js'
import type { SqlFlavor } from './sql-flavor.js'

/** Anything raw SQL runs on: a Kysely instance or a transaction, of any table types. */
export type SqlRunner = Parameters<RawBuilder<unknown>['execute']>[0]

/** Cells per statement: 500 rows × 14 columns stays under every engine's bound-parameter limit. */
const CHUNK = 500

const CELL_KEYS = ['grain', 'bucket', 'dim', 'kh'] as const
const CELL_VALUES = ['value', 'hits', 'errors', 'bytes', 'timed', 'time_sum', 'time_max', 'last_at', 'visitor_count'] as const
const SKETCH_VALUES = ['histogram', 'visitors'] as const
/** Counters summed over buckets (a group's exact visitors are not a sum: counted elsewhere). */
const SUMS = sql.raw(
  'sum(hits) as hits, sum(errors) as errors, sum(bytes) as bytes, sum(timed) as timed, sum(time_sum) as time_sum, ' +
    'max(time_max) as time_max, max(last_at) as last_at, 0 as visitor_count',
)
/** The groups summed in full: all but the whole traffic and literal paths. */
const FEW_VALUED = ['route', 'method', 'status', 'browser', 'platform', 'referrer', 'mimetype', 'exception', 'place']
const COUNTERS = sql.raw('grain, bucket, dim, value, hits, errors, bytes, timed, time_sum, time_max, last_at, visitor_count')

/** A rollup row as a driver returns it (bigints may come back as strings). */
type CellRow = {
  grain: number | string
  bucket: number | string
  dim: string
  value: string | null
  hits: number | string
  errors: number | string
  bytes: number | string
  timed: number | string
  time_sum: number | string
  time_max: number | string | null
  last_at: number | string
  visitor_count: number | string
  histogram?: string | null
  visitors?: string | null
}

/**
 * The rollups beside the raw table: `<table>_rollup` holds one row of counters per grain × bucket ×
 * group × value, `<table>_rollup_sketch` the latency histogram and visitor sketch of the cells
 * that keep them (apart, so that summing counters scans narrow rows), `<table>_visitor` one row per
 * grain × bucket × visitor (exact unique counts), and `<table>_statgraph_lock` one row that every
 * write locks first, so that the read-merge-write of cells stays exact with many instances writing.
 */
export class RollupTables {
  readonly #flavor: SqlFlavor
  readonly #cells: RawBuilder<unknown>
  readonly #sketches: RawBuilder<unknown>
  readonly #visitors: RawBuilder<unknown>
  readonly #lock: RawBuilder<unknown>

  constructor(qualified: (name: string) => RawBuilder<unknown>, table: string, flavor: SqlFlavor) {
    this.#flavor = flavor
    this.#cells = qualified(`${table}_rollup`)
    this.#sketches = qualified(`${table}_rollup_sketch`)
    this.#visitors = qualified(`${table}_visitor`)
    this.#lock = qualified(`${table}_statgraph_lock`)
  }

  /**
   * Takes the write lock (held to the end of the transaction `db` runs in): writers of rollups take
   * turns, and each reads the cells the one before it committed.
   */
  async lock(db: SqlRunner): Promise<void> {
    await sql`update ${this.#lock} set n = n + 1 where id = 1`.execute(db)
  }

  /** Adds `batch` to the stored rollups; call inside a transaction that holds {@link lock}. */
  async write(db: SqlRunner, batch: RollupBatch): Promise<void> {
    // Visitors first: those new to their bucket add to the exact count on its whole-traffic cell.
    const cells = batch.cells()
    const wholeTraffic = new Map(cells.filter((cell) => cell.dim === 'all').map((cell) => [`${cell.grain}:${cell.bucket}`, cell]))
    for (const { grain, bucket, visitors } of batch.visitors()) {
      const fresh = await this.#newVisitors(db, grain, bucket, [...visitors])
      const cell = wholeTraffic.get(`${grain}:${bucket}`)
      if (cell !== undefined) cell.visitorCount += fresh
    }
    for (let i = 0; i < cells.length; i += CHUNK) {
      const chunk = cells.slice(i, i + CHUNK)
      const stored = await this.#storedCells(db, chunk)
      for (const cell of chunk) {
        const before = stored.get(cellId(cell.grain, cell.bucket, cell.dim, cell.key))
        if (before !== undefined) mergeCell(cell, before)
      }
      await this.#upsert(db, this.#cells, CELL_VALUES, chunk.map(cellValues))
      const sketched = chunk.filter((cell) => cell.histogram !== undefined || cell.visitors !== undefined)
      if (sketched.length > 0) await this.#upsert(db, this.#sketches, SKETCH_VALUES, sketched.map(sketchValues))
    }
  }

  async #upsert(db: SqlRunner, table: RawBuilder<unknown>, columns: readonly string[], rows: unknown[][]): Promise<void> {
    await sql`insert into ${table} (${sql.join([...CELL_KEYS, ...columns].map((column) => sql.ref(column)))})
      values ${sql.join(rows.map((row) => sql`(${sql.join(row)})`))}
      ${this.#flavor.upsert(CELL_KEYS, columns)}`.execute(db)
  }

  /** Stores the visitors of one bucket not stored yet; returns how many were new. */
  async #newVisitors(db: SqlRunner, grain: number, bucket: number, visitors: string[]): Promise<number> {
    let fresh = 0
    for (let i = 0; i < visitors.length; i += CHUNK) {
      const chunk = visitors.slice(i, i + CHUNK)
      const { rows } = await sql<{ visitor: string }>`select visitor from ${this.#visitors}
        where grain = ${grain} and bucket = ${bucket} and visitor in (${sql.join(chunk)})`.execute(db)
      const known = new Set(rows.map((row) => row.visitor))
      const unknown = chunk.filter((visitor) => !known.has(visitor))
      if (unknown.length === 0) continue
      // Under the write lock nobody else adds visitors meanwhile: a plain insert is exact.
      await sql`insert into ${this.#visitors} (grain, bucket, visitor)
        values ${sql.join(unknown.map((visitor) => sql`(${grain}, ${bucket}, ${visitor})`))}`.execute(db)
      fresh += unknown.length
    }
    return fresh
  }

  /**
   * Counters of the groups with few values (routes, status codes, browsers, …), summed over the
   * plan's cells per value: one row per value however long the range.
   */
  async sumByValue(db: SqlRunner, plan: RollupPlan): Promise<RollupCell[]> {
    const { rows } = await sql<CellRow>`
      select 0 as grain, 0 as bucket, dim, min(value) as value, ${SUMS}
      from ${this.#cells} where ${this.#inPlan(plan)} and dim in (${sql.join(FEW_VALUED)}) group by dim, kh`.execute(db)
    return rows.map(toCell)
  }

  /**
   * The `top` literal paths with the most requests over the plan (and those tied with the last),
   * and the paths `also` names (those of the raw rows at the range's edges, which may lift a path
   * into the top), their counters summed. Paths can be thousands a day: they are ranked in SQL on
   * their hits alone, and only the ranked ones are summed in full and come back.
   */
  async topPaths(db: SqlRunner, plan: RollupPlan, top: number, also: readonly string[]): Promise<RollupCell[]> {
    const paths = sql`${this.#cells} where ${this.#inPlan(plan)} and dim = 'path'`
    const ranked = await sql<{ kh: string }>`
      select kh from (select kh, rank() over (order by sum(hits) desc) as r from ${paths} group by kh) ranked
      where r <= ${top}`.execute(db)
    const hashes = [...new Set([...ranked.rows.map((row) => row.kh), ...also.map(keyHash)])]
    const cells: RollupCell[] = []
    for (let i = 0; i < hashes.length; i += CHUNK) {
      const { rows } = await sql<CellRow>`
        select 0 as grain, 0 as bucket, 'path' as dim, min(value) as value, ${SUMS}
        from ${paths} and kh in (${sql.join(hashes.slice(i, i + CHUNK))}) group by kh`.execute(db)
      cells.push(...rows.map(toCell))
    }
    return cells
  }

  /** The whole-traffic cells of the plan, one per bucket (their sketches: {@link sketches}). */
  async wholeTraffic(db: SqlRunner, plan: RollupPlan): Promise<RollupCell[]> {
    const { rows } = await sql<CellRow>`select ${COUNTERS} from ${this.#cells} where ${this.#inPlan(plan)} and dim = 'all'`.execute(db)
    return rows.map(toCell)
  }

  /**
   * The histograms and visitor sketches of some values of `dim` over the plan (counters zeroed:
   * {@link sumByValue} counted them) — read for the listed values only, the costly part.
   */
  async sketches(db: SqlRunner, plan: RollupPlan, dim: RollupDimension, values: readonly (string | null)[]): Promise<RollupCell[]> {
    if (values.length === 0) return []
    const byHash = new Map(values.map((value) => [keyHash(value), value]))
    const { rows } = await sql<CellRow & { kh: string }>`
      select grain, bucket, dim, kh, 0 as hits, 0 as errors, 0 as bytes, 0 as timed, 0 as time_sum,
        null as time_max, 0 as last_at, 0 as visitor_count, histogram, visitors
      from ${this.#sketches} where ${this.#inPlan(plan)} and dim = ${dim} and kh in (${sql.join([...byHash.keys()])})`.execute(db)
    return rows.map((row) => toCell({ ...row, value: byHash.get(row.kh) ?? null }))
  }

  /** Distinct visitors in the union of the plan's buckets and the raw rows of its raw spans. */
  async countVisitors(db: SqlRunner, plan: RollupPlan, raw: (span: readonly [number, number]) => RawBuilder<unknown>): Promise<number> {
    const parts = [
      ...plan.days.map(([start, end]) => sql`select visitor from ${this.#visitors} where grain = 24 and bucket >= ${start} and bucket < ${end}`),
      ...plan.hours.map(([start, end]) => sql`select visitor from ${this.#visitors} where grain = 1 and bucket >= ${start} and bucket < ${end}`),
      ...plan.raw.map(raw),
    ]
    if (parts.length === 0) return 0
    const { rows } = await sql<{ n: number | string }>`select count(distinct visitor) as n from (${sql.join(parts, sql` union all `)}) u`.execute(db)
    return Number(rows[0]?.n ?? 0)
  }

  /** Deletes the cells and visitors of buckets that ended before `before` (ms); returns how many cells. */
  async prune(db: SqlRunner, before: number): Promise<number> {
    const hour = Math.floor(before / HOUR_MS)
    const result = await sql`delete from ${this.#cells} where bucket + grain <= ${hour}`.execute(db)
    await sql`delete from ${this.#sketches} where bucket + grain <= ${hour}`.execute(db)
    await sql`delete from ${this.#visitors} where bucket + grain <= ${hour}`.execute(db)
    return Number(result.numAffectedRows ?? 0)
  }

  /** Empties the rollups (before they are rebuilt from the raw rows). */
  async clear(db: SqlRunner): Promise<void> {
    await sql`delete from ${this.#cells}`.execute(db)
    await sql`delete from ${this.#sketches}`.execute(db)
    await sql`delete from ${this.#visitors}`.execute(db)
  }

  /** The stored versions of `cells`, by {@link cellId}. */
  async #storedCells(db: SqlRunner, cells: readonly RollupCell[]): Promise<Map<string, RollupCell>> {
    const where = this.#flavor.rowsIn(
      sql.raw('grain, bucket, dim, kh'),
      cells.map((cell) => sql`(${cell.grain}, ${cell.bucket}, ${cell.dim}, ${keyHash(cell.key)})`),
    )
    const counters = await sql<CellRow>`select ${COUNTERS} from ${this.#cells} where ${where}`.execute(db)
    const stored = new Map<string, RollupCell>()
    for (const row of counters.rows) {
      const cell = toCell(row)
      stored.set(cellId(cell.grain, cell.bucket, cell.dim, cell.key), cell)
    }
    if (cells.some((cell) => cell.histogram !== undefined || cell.visitors !== undefined)) {
      const sketches = await sql<CellRow & { kh: string }>`
        select grain, bucket, dim, kh, histogram, visitors from ${this.#sketches} where ${where}`.execute(db)
      const byHash = new Map([...stored.values()].map((cell) => [`${cell.grain}:${cell.bucket}:${cell.dim}:${keyHash(cell.key)}`, cell]))
      for (const row of sketches.rows) {
        const cell = byHash.get(`${Number(row.grain)}:${Number(row.bucket)}:${row.dim}:${row.kh}`)
        if (cell === undefined) continue
        cell.histogram = row.histogram == null ? undefined : LatencyHistogram.decode(row.histogram)
        cell.visitors = row.visitors == null ? undefined : VisitorSketch.decode(row.visitors)
      }
    }
    return stored
  }

  /** The rows of the plan's whole days and whole hours. */
  #inPlan(plan: RollupPlan): RawBuilder<unknown> {
    const spans = [
      ...plan.days.map(([start, end]) => sql`(grain = 24 and bucket >= ${start} and bucket < ${end})`),
      ...plan.hours.map(([start, end]) => sql`(grain = 1 and bucket >= ${start} and bucket < ${end})`),
    ]
    return spans.length === 0 ? sql`1 = 0` : sql`(${sql.join(spans, sql` or `)})`
  }
}

/**
 * A fixed-width stand-in for a group's value in the primary key (values may be 2000 characters,
 * beyond what an index entry takes): 132 bits of SHA-256; `-` for none.
 */
function keyHash(value: string | null): string {
  if (value === null) return '-'
  let hash = knownHashes.get(value)
  if (hash === undefined) {
    // The same few thousand values come back batch after batch: remember them, within a bound.
    if (knownHashes.size >= 50_000) knownHashes.clear()
    hash = createHash('sha256').update(value).digest('base64url').slice(0, 22)
    knownHashes.set(value, hash)
  }
  return hash
}

const knownHashes = new Map<string, string>()

function cellValues(cell: RollupCell): unknown[] {
  return [
    cell.grain, cell.bucket, cell.dim, keyHash(cell.key), cell.key, cell.hits, cell.errors, cell.bytes, cell.timed,
    cell.timeSum, cell.timeMax, cell.last, cell.visitorCount,
  ]
}

function sketchValues(cell: RollupCell): unknown[] {
  return [cell.grain, cell.bucket, cell.dim, keyHash(cell.key), cell.histogram?.encode() ?? null, cell.visitors?.encode() ?? null]
}

function toCell(row: CellRow): RollupCell {
  return {
    grain: Number(row.grain),
    bucket: Number(row.bucket),
    dim: row.dim as RollupDimension,
    key: row.value,
    hits: Number(row.hits),
    errors: Number(row.errors),
    bytes: Number(row.bytes),
    timed: Number(row.timed),
    timeSum: Number(row.time_sum),
    timeMax: row.time_max === null ? null : Number(row.time_max),
    last: Number(row.last_at),
    visitorCount: Number(row.visitor_count),
    histogram: row.histogram == null ? undefined : LatencyHistogram.decode(row.histogram),
    visitors: row.visitors == null ? undefined : VisitorSketch.decode(row.visitors),
  }
}
