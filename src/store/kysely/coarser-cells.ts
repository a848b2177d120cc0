import { type RawBuilder, sql } from 'kysely'
import { LatencyHistogram } from '../../stats/sketch/latency-histogram.js'
import { VisitorSketch } from '../../stats/sketch/visitor-sketch.js'
import type { SqlRunner } from './rollup-tables.js'
import type { SealerContext } from './sealer-context.js'
import type { ColumnKind } from './sql-flavor.js'
import { OTHER_KEY_HASH } from './value-bound.js'

const SKETCH_KINDS: ColumnKind[] = ['integer', 'text', 'integer', 'text', 'text', 'text', 'text']

/** Where coarser cells come from (`where`: the finer cells, every writer's) and where they go. */
export interface CoarserCells {
  where: RawBuilder<unknown>
  grain: number
  bucket: number
}

/**
 * Sums finer cells and their sketches into one coarser bucket, as writer `''`: the busiest
 * `maxValues` values of each group keep cells of their own; the rest, and what the finer cells had
 * folded already, make the bucket's folded tail, which keeps counters alone.
 */
export async function writeCoarserCells(trx: SqlRunner, context: SealerContext, target: CoarserCells): Promise<void> {
  const { tables, insertRows, maxValues } = context
  const { cells, sketches } = tables
  const { where, grain, bucket } = target
  const ranked = sql`(select dim, kh, min(value) as value, sum(hits) as hits, sum(errors) as errors, sum(bytes) as bytes,
      sum(timed) as timed, sum(time_sum) as time_sum, max(time_max) as time_max, max(last_at) as last_at,
      row_number() over (partition by dim, kh = ${OTHER_KEY_HASH} order by sum(hits) desc, kh) as r
    from ${cells} where ${where} group by dim, kh) ranked`
  const tail = sql`kh = ${OTHER_KEY_HASH} or r > ${maxValues}`
  await sql`insert into ${cells} (grain, dim, bucket, kh, writer, value, hits, errors, bytes, timed, time_sum, time_max, last_at)
    select ${sql.lit(grain)}, dim, ${sql.lit(bucket)}, kh, '', value, hits, errors, bytes, timed, time_sum, time_max, last_at
    from ${ranked} where not (${tail})`.execute(trx)
  await sql`insert into ${cells} (grain, dim, bucket, kh, writer, value, hits, errors, bytes, timed, time_sum, time_max, last_at)
    select ${sql.lit(grain)}, dim, ${sql.lit(bucket)}, ${OTHER_KEY_HASH}, '', null, sum(hits), sum(errors), sum(bytes), sum(timed), sum(time_sum), max(time_max), max(last_at)
    from ${ranked} where ${tail} group by dim`.execute(trx)
  const kept = await sql<{ dim: string; kh: string }>`select dim, kh from ${cells}
    where grain = ${grain} and bucket = ${bucket} and writer = '' and kh <> ${OTHER_KEY_HASH}`.execute(trx)
  const keptKeys = new Set(kept.rows.map((row) => `${row.dim}\0${row.kh}`))
  const { rows } = await sql<{ dim: string; kh: string; histogram: string | null; visitors: string | null }>`
    select dim, kh, histogram, visitors from ${sketches} where ${where}`.execute(trx)
  const merged = new Map<string, { dim: string; kh: string; histogram?: LatencyHistogram; visitors?: VisitorSketch }>()
  for (const row of rows) {
    const key = `${row.dim}\0${row.kh}`
    // A folded value's sketch goes with it: the tail keeps counters alone.
    if (!keptKeys.has(key)) continue
    const sum = merged.get(key) ?? { dim: row.dim, kh: row.kh }
    if (row.histogram !== null) {
      sum.histogram ??= new LatencyHistogram()
      sum.histogram.merge(LatencyHistogram.decode(row.histogram))
    }
    if (row.visitors !== null) {
      sum.visitors ??= new VisitorSketch()
      sum.visitors.merge(VisitorSketch.decode(row.visitors))
    }
    merged.set(key, sum)
  }
  const all = [...merged.values()].map((sum) => [grain, sum.dim, bucket, sum.kh, '', sum.histogram?.encode() ?? null, sum.visitors?.encode() ?? null])
  await insertRows(trx, (values) => sql`insert into ${sketches} (grain, dim, bucket, kh, writer, histogram, visitors) ${values}`, all, SKETCH_KINDS)
}
