import { LatencyHistogram } from '../../stats/sketch/latency-histogram.js'
import { VisitorSketch } from '../../stats/sketch/visitor-sketch.js'
import type { RollupCell, RollupDimension } from '../../stats/rollup/rollup-cell.js'
import { OTHER_KEY_HASH } from './value-bound.js'

/** A rollup row as a driver returns it (bigints may come back as strings). */
export interface CellRow {
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
  histogram?: string | null
  visitors?: string | null
  /** The key hash, where read: tells a group's folded tail. */
  kh?: string
}

/** The cell a row holds; its exact visitor count, kept elsewhere, starts at 0. */
export function toCell(row: CellRow): RollupCell {
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
    visitorCount: 0,
    histogram: row.histogram == null ? undefined : LatencyHistogram.decode(row.histogram),
    visitors: row.visitors == null ? undefined : VisitorSketch.decode(row.visitors),
    ...(row.kh === OTHER_KEY_HASH ? { folded: true } : {}),
  }
}
