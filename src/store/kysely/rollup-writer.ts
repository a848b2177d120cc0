import { sql } from 'kysely'
import { LatencyHistogram } from '../../stats/sketch/latency-histogram.js'
import type { DayFilter, RollupBatch } from '../../stats/rollup/rollup-batch.js'
import type { RollupCell, RollupDimension } from '../../stats/rollup/rollup-cell.js'
import { VisitorSketch } from '../../stats/sketch/visitor-sketch.js'
import type { CellRow } from './cell-row.js'
import { keyHash } from './key-hash.js'
import { cap } from '../../record/field-caps.js'
import type { InsertRows } from './insert-rows.js'
import type { RollupTables, SqlRunner } from './rollup-tables.js'
import type { ColumnKind, SqlFlavor } from './sql-flavor.js'
import { DEFAULT_MAX_VALUES, keepLatestBuckets, ValueBound } from './value-bound.js'
import { compareCodePoints } from '../../stats/answer/code-point-order.js'

/** Keys of the sketch lookup per statement. */
const CHUNK = 500
/**
 * Longest path or referrer a rollup row keeps (its key hash is of the whole value): room for any
 * a person reads, and a bound on what a stranger's 2 kB ones cost each cell.
 */
const MAX_VALUE_LENGTH = 512
const CAPPED: ReadonlySet<RollupDimension> = new Set(['path', 'referrer'])

const CELL_KEYS = ['grain', 'dim', 'bucket', 'kh', 'writer'] as const
const KEY_KINDS: ColumnKind[] = ['integer', 'text', 'integer', 'text', 'text']
const CELL_COLUMNS = [...CELL_KEYS, 'value', 'hits', 'errors', 'bytes', 'timed', 'time_sum', 'time_max', 'last_at']
const CELL_KINDS: ColumnKind[] = [...KEY_KINDS, 'text', 'integer', 'integer', 'integer', 'integer', 'real', 'real', 'integer']
const MERGE = { keys: CELL_KEYS, sums: ['hits', 'errors', 'bytes', 'timed', 'time_sum'], maxima: ['time_max', 'last_at'] }
const SKETCH_VALUES = ['histogram', 'visitors'] as const
const SKETCH_KINDS: ColumnKind[] = [...KEY_KINDS, 'text', 'text']
const VISITOR_KINDS: ColumnKind[] = ['integer', 'integer', 'text', 'text']

/** A cell's sketches as this writer stored them. */
export interface StoredSketch {
  id: string
  grain: number
  bucket: number
  histogram: LatencyHistogram | undefined
  visitors: VisitorSketch | undefined
}

/**
 * Adds batches to the rollups as one writer. Every row it touches is its own (the writer is part
 * of each key), so writers of many app instances never wait on each other's locks, and a writer
 * stalled inside its transaction holds up nobody else:
 *
 * - counters are added by upserts that never read first (`hits = hits + excluded.hits`, the larger
 *   of two maxima), in one fixed key order;
 * - a cell's histogram and visitor sketch are merged into the writer's own row, which only this
 *   writer changes, one batch at a time;
 * - visitors are inserted as the writer's rows, skipping those it stored before; the exact count
 *   per bucket is a distinct count over every writer's rows, when read.
 */
export class RollupWriter {
  readonly #tables: RollupTables
  readonly #flavor: SqlFlavor
  readonly #insertRows: InsertRows
  readonly #bound: ValueBound
  readonly #writer: string
  /**
   * The visitors this writer has stored, per grain and bucket, for the latest two buckets of each
   * grain: a visitor seen again in the same hour or day is not sent again. Rows are the writer's
   * own, so nobody else adds or removes them (but a prune: see {@link forget}).
   */
  readonly #storedVisitors = new Map<string, { grain: number; bucket: number; visitors: Set<string> }>()
  /** This writer's stored sketches of the latest two buckets of each grain, as merged: not read again. */
  readonly #storedSketches = new Map<string, StoredSketch>()
  /** With one writer for every connection: the data version this one saw when it last wrote. */
  #dataVersion: number | undefined
  /** Sealed days this writer has noted late visitors for. */
  readonly #lateDays = new Set<number>()
  /** Days whose row is known to exist in the days table. */
  readonly #knownDays = new Set<number>()

  constructor(tables: RollupTables, flavor: SqlFlavor, insertRows: InsertRows, writer: string, maxValues = DEFAULT_MAX_VALUES) {
    this.#tables = tables
    this.#bound = new ValueBound(tables, maxValues)
    this.#flavor = flavor
    this.#insertRows = insertRows
    this.#writer = writer
  }

  /**
   * Makes sure the days `batch` falls on have their row in the days table, outside any write's
   * transaction: inserted there, a day's first row would hold up every other writer of that day
   * until the transaction ends. (With one writer for all, {@link write} does it itself.)
   */
  async prepare(db: SqlRunner, batch: RollupBatch): Promise<void> {
    const days = batch
      .days()
      .filter((day) => !this.#knownDays.has(day))
      .sort((a, b) => a - b)
    if (days.length === 0) return
    const rows = this.#flavor.rowSource(
      days.map((day) => [day, this.#flavor.toBoolean(false)]),
      ['integer', 'boolean'],
    )
    // Existing rows are left alone: other writers hold them locked for reading meanwhile.
    await this.#flavor.insertNew(this.#tables.days, ['day', 'sealed'], rows).execute(db)
    if (this.#knownDays.size > 1000) this.#knownDays.clear()
    for (const day of days) this.#knownDays.add(day)
  }

  /**
   * Adds `batch` (after {@link prepare}); call inside the transaction that writes its raw rows.
   * Daily cells go to the days `daily` picks, by default the sealed ones. Returns what to call
   * once that transaction has committed.
   */
  async write(db: SqlRunner, batch: RollupBatch, daily?: DayFilter): Promise<() => void> {
    const writer = this.#writer
    const shared = this.#flavor.oneWriter
    if (shared !== undefined) {
      // Another connection wrote as this writer since this one last did: the sketches it remembers
      // may be stale (visitors only ever get added, so those it stored are still there).
      const version = Number((await shared.dataVersion.execute(db)).rows[0]?.version)
      if (version !== this.#dataVersion) this.#storedSketches.clear()
      this.#dataVersion = version
      // Under the one lock, the days' rows hold up nobody: made here, in the write.
      await this.prepare(db, batch)
    }
    daily ??= await this.#sealedDays(db, batch.days())
    const visitors = batch
      .visitors(daily)
      .flatMap(({ grain, bucket, visitors: seen }) => {
        const stored = this.#storedVisitors.get(`${grain}:${bucket}`)
        return [...seen].flatMap((visitor) => (stored?.visitors.has(visitor) === true ? [] : [{ grain, bucket, visitor }]))
      })
      .sort((a, b) => a.grain - b.grain || a.bucket - b.bucket || compareCodePoints(a.visitor, b.visitor))
    await this.#insertRows(
      db,
      (rows) =>
        sql`insert into ${this.#tables.visitors} (grain, bucket, visitor, writer) ${rows} ${this.#flavor.skipDuplicates(['grain', 'bucket', 'visitor', 'writer'])}`,
      visitors.map(({ grain, bucket, visitor }) => [grain, bucket, visitor, writer]),
      VISITOR_KINDS,
    )
    const late = await this.#markLate(db, visitors)
    const sketches = await this.writeCells(db, batch.cells(daily))
    return () => {
      if (this.#lateDays.size > 1000) this.#lateDays.clear()
      for (const day of late) this.#lateDays.add(day)
      this.#rememberVisitors(visitors)
      this.#rememberSketches(sketches)
    }
  }

  /**
   * Adds `cells`' counters and sketches, each group's values past the bound folded; the visitors
   * are {@link write}'s. Returns the sketches as stored, for the writer to remember.
   */
  async writeCells(db: SqlRunner, batchCells: readonly RollupCell[]): Promise<StoredSketch[]> {
    const writer = this.#writer
    const hashed = batchCells.map((cell) => ({ cell, kh: keyHash(cell.key) }))
    const cells = (await this.#bound.fold(db, hashed, writer)).sort(
      (a, b) => a.cell.grain - b.cell.grain || compareCodePoints(a.cell.dim, b.cell.dim) || a.cell.bucket - b.cell.bucket || compareCodePoints(a.kh, b.kh),
    )
    await this.#insertRows(
      db,
      (rows) => this.#flavor.accumulate(this.#tables.cells, CELL_COLUMNS, rows, MERGE),
      cells.map(({ cell, kh }) => counterValues(cell, kh, writer)),
      CELL_KINDS,
    )
    const sketched = cells.filter(({ cell }) => cell.histogram !== undefined || cell.visitors !== undefined)
    const sketches: StoredSketch[] = []
    for (let i = 0; i < sketched.length; i += CHUNK) sketches.push(...(await this.#mergeSketches(db, sketched.slice(i, i + CHUNK))))
    return sketches
  }

  /**
   * The days of `days` that are sealed, whose daily cells this writer keeps up from now on; the
   * shared lock on their rows keeps them from being sealed until this transaction ends.
   */
  async #sealedDays(db: SqlRunner, days: readonly number[]): Promise<DayFilter> {
    const { rows } = await sql<{ day: number | string; sealed: unknown }>`select day, sealed from ${this.#tables.days}
      where day in (${sql.join(days)}) order by day ${this.#flavor.forShare}`.execute(db)
    const sealed = new Set(rows.filter((row) => isTrue(row.sealed)).map((row) => Number(row.day)))
    return (day) => sealed.has(day)
  }

  /**
   * Notes the sealed days `visitors` adds daily visitors to (late requests): a reader counts those
   * beside the day's count from sealing. Once per day and writer: returns the days noted, to
   * remember once the transaction has committed.
   */
  async #markLate(db: SqlRunner, visitors: readonly { grain: number; bucket: number }[]): Promise<number[]> {
    if (this.#writer === '') return []
    const days = [...new Set(visitors.filter(({ grain, bucket }) => grain === 24 && !this.#lateDays.has(bucket)).map(({ bucket }) => bucket))]
    if (days.length === 0) return []
    await sql`insert into ${this.#tables.late} (day, writer) ${this.#flavor.rowSource(
      days.map((day) => [day, this.#writer]),
      ['integer', 'text'],
    )} ${this.#flavor.skipDuplicates(['day', 'writer'])}`.execute(db)
    return days
  }

  /** Forgets what this writer remembers of its stored rows (after rollups were pruned). */
  forget(): void {
    this.#storedVisitors.clear()
    this.#storedSketches.clear()
    this.#knownDays.clear()
    this.#lateDays.clear()
    this.#bound.forget()
  }

  #rememberSketches(sketches: readonly StoredSketch[]): void {
    for (const sketch of sketches) this.#storedSketches.set(sketch.id, sketch)
    keepLatestBuckets(this.#storedSketches)
  }

  #rememberVisitors(visitors: readonly { grain: number; bucket: number; visitor: string }[]): void {
    for (const { grain, bucket, visitor } of visitors) {
      const key = `${grain}:${bucket}`
      let stored = this.#storedVisitors.get(key)
      if (stored === undefined) {
        stored = { grain, bucket, visitors: new Set() }
        this.#storedVisitors.set(key, stored)
      }
      stored.visitors.add(visitor)
    }
    keepLatestBuckets(this.#storedVisitors)
  }

  /** Merges the cells' sketches into this writer's stored ones (rows nobody else writes). */
  async #mergeSketches(db: SqlRunner, cells: readonly { cell: RollupCell; kh: string }[]): Promise<StoredSketch[]> {
    const writer = this.#writer
    const id = ({ cell, kh }: { cell: RollupCell; kh: string }) => `${cell.grain}:${cell.dim}:${cell.bucket}:${kh}`
    // What this writer stored before: remembered for recent buckets, else read.
    const unknown = cells.filter((cell) => !this.#storedSketches.has(id(cell)))
    const read = new Map<string, { histogram?: LatencyHistogram; visitors?: VisitorSketch }>()
    if (unknown.length > 0) {
      const keys = unknown.map(({ cell, kh }) => sql`(${cell.grain}, ${cell.dim}, ${cell.bucket}, ${kh})`)
      const { rows } = await sql<CellRow & { kh: string }>`
        select grain, dim, bucket, kh, histogram, visitors from ${this.#tables.sketches}
        where writer = ${writer} and ${this.#flavor.rowsIn(sql.raw('grain, dim, bucket, kh'), keys)}`.execute(db)
      for (const row of rows) {
        read.set(`${Number(row.grain)}:${row.dim}:${Number(row.bucket)}:${row.kh}`, {
          ...(row.histogram == null ? {} : { histogram: LatencyHistogram.decode(row.histogram) }),
          ...(row.visitors == null ? {} : { visitors: VisitorSketch.decode(row.visitors) }),
        })
      }
    }
    const merged = cells.map((entry) => {
      const { cell, kh } = entry
      const before = this.#storedSketches.get(id(entry)) ?? read.get(id(entry))
      if (before?.histogram !== undefined) {
        cell.histogram ??= new LatencyHistogram()
        cell.histogram.merge(before.histogram)
      }
      if (before?.visitors !== undefined) {
        cell.visitors ??= new VisitorSketch()
        cell.visitors.merge(before.visitors)
      }
      return [cell.grain, cell.dim, cell.bucket, kh, writer, encoded(cell.histogram), encoded(cell.visitors)]
    })
    await this.#insertRows(
      db,
      (rows) =>
        sql`insert into ${this.#tables.sketches} (grain, dim, bucket, kh, writer, histogram, visitors) ${rows} ${this.#flavor.upsert(CELL_KEYS, SKETCH_VALUES)}`,
      merged,
      SKETCH_KINDS,
    )
    return cells.map((entry) => ({
      id: id(entry),
      grain: entry.cell.grain,
      bucket: entry.cell.bucket,
      histogram: entry.cell.histogram,
      visitors: entry.cell.visitors,
    }))
  }
}

function counterValues(cell: RollupCell, kh: string, writer: string): unknown[] {
  const value = cell.key !== null && CAPPED.has(cell.dim) ? cap(cell.key, MAX_VALUE_LENGTH) : cell.key
  return [cell.grain, cell.dim, cell.bucket, kh, writer, value, cell.hits, cell.errors, cell.bytes, cell.timed, cell.timeSum, cell.timeMax, cell.last]
}

function encoded(sketch: LatencyHistogram | VisitorSketch | undefined): string | null {
  return sketch?.encode() ?? null
}

/** A boolean as a driver reads it (true, 1, '1', 't'). */
function isTrue(value: unknown): boolean {
  return value === true || value === 1 || value === '1' || value === 't'
}
