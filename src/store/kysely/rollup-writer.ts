import { sql } from 'kysely'
import { LatencyHistogram } from '../../stats/latency-histogram.js'
import type { RollupBatch } from '../../stats/rollup-batch.js'
import type { RollupCell } from '../../stats/rollup-cell.js'
import { VisitorSketch } from '../../stats/visitor-sketch.js'
import type { CellRow } from './cell-row.js'
import { keyHash } from './key-hash.js'
import type { RollupTables, SqlRunner } from './rollup-tables.js'
import type { SqlFlavor } from './sql-flavor.js'

/** Rows per statement: 500 rows × 13 columns stays under every engine's bound-parameter limit. */
const CHUNK = 500

const CELL_KEYS = ['grain', 'dim', 'bucket', 'kh', 'writer'] as const
const CELL_COLUMNS = [...CELL_KEYS, 'value', 'hits', 'errors', 'bytes', 'timed', 'time_sum', 'time_max', 'last_at']
const MERGE = { keys: CELL_KEYS, sums: ['hits', 'errors', 'bytes', 'timed', 'time_sum'], maxima: ['time_max', 'last_at'] }
const SKETCH_VALUES = ['histogram', 'visitors'] as const

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
  readonly #writer: string

  constructor(tables: RollupTables, flavor: SqlFlavor, writer: string) {
    this.#tables = tables
    this.#flavor = flavor
    this.#writer = writer
  }

  /** Adds `batch`; call inside the transaction that writes its raw rows. */
  async write(db: SqlRunner, batch: RollupBatch): Promise<void> {
    const writer = this.#writer
    const visitors = batch
      .visitors()
      .flatMap(({ grain, bucket, visitors: seen }) => [...seen].map((visitor) => ({ grain, bucket, visitor })))
      .sort((a, b) => a.grain - b.grain || a.bucket - b.bucket || compare(a.visitor, b.visitor))
    for (let i = 0; i < visitors.length; i += CHUNK) {
      const rows = visitors.slice(i, i + CHUNK).map(({ grain, bucket, visitor }) => sql`(${grain}, ${bucket}, ${visitor}, ${writer})`)
      await sql`insert into ${this.#tables.visitors} (grain, bucket, visitor, writer) values ${sql.join(rows)}
        ${this.#flavor.skipDuplicates(['grain', 'bucket', 'visitor', 'writer'])}`.execute(db)
    }
    const cells = batch
      .cells()
      .map((cell) => ({ cell, kh: keyHash(cell.key) }))
      .sort((a, b) => a.cell.grain - b.cell.grain || compare(a.cell.dim, b.cell.dim) || a.cell.bucket - b.cell.bucket || compare(a.kh, b.kh))
    for (let i = 0; i < cells.length; i += CHUNK) {
      const rows = cells.slice(i, i + CHUNK).map(({ cell, kh }) => sql`(${sql.join(counterValues(cell, kh, writer))})`)
      await this.#flavor.accumulate(this.#tables.cells, CELL_COLUMNS, rows, MERGE).execute(db)
    }
    const sketched = cells.filter(({ cell }) => cell.histogram !== undefined || cell.visitors !== undefined)
    for (let i = 0; i < sketched.length; i += CHUNK) await this.#mergeSketches(db, sketched.slice(i, i + CHUNK))
  }

  /** Merges the cells' sketches into this writer's stored ones (rows nobody else writes). */
  async #mergeSketches(db: SqlRunner, cells: readonly { cell: RollupCell; kh: string }[]): Promise<void> {
    const writer = this.#writer
    const keys = cells.map(({ cell, kh }) => sql`(${cell.grain}, ${cell.dim}, ${cell.bucket}, ${kh})`)
    const { rows } = await sql<CellRow & { kh: string }>`
      select grain, dim, bucket, kh, histogram, visitors from ${this.#tables.sketches}
      where writer = ${writer} and ${this.#flavor.rowsIn(sql.raw('grain, dim, bucket, kh'), keys)}`.execute(db)
    const stored = new Map(rows.map((row) => [`${Number(row.grain)}:${row.dim}:${Number(row.bucket)}:${row.kh}`, row]))
    const merged = cells.map(({ cell, kh }) => {
      const before = stored.get(`${cell.grain}:${cell.dim}:${cell.bucket}:${kh}`)
      if (before?.histogram != null) (cell.histogram ??= new LatencyHistogram()).merge(LatencyHistogram.decode(before.histogram))
      if (before?.visitors != null) (cell.visitors ??= new VisitorSketch()).merge(VisitorSketch.decode(before.visitors))
      return sql`(${sql.join([cell.grain, cell.dim, cell.bucket, kh, writer, encoded(cell.histogram), encoded(cell.visitors)])})`
    })
    await sql`insert into ${this.#tables.sketches} (grain, dim, bucket, kh, writer, histogram, visitors) values ${sql.join(merged)}
      ${this.#flavor.upsert(CELL_KEYS, SKETCH_VALUES)}`.execute(db)
  }
}

function counterValues(cell: RollupCell, kh: string, writer: string): unknown[] {
  return [cell.grain, cell.dim, cell.bucket, kh, writer, cell.key, cell.hits, cell.errors, cell.bytes, cell.timed, cell.timeSum, cell.timeMax, cell.last]
}

function encoded(sketch: LatencyHistogram | VisitorSketch | undefined): string | null {
  return sketch?.encode() ?? null
}

/** Code-unit order, the same in every process (unlike `localeCompare`). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
