import { sql } from 'kysely'
import { emptyCell, mergeCell, type RollupCell } from '../../stats/rollup/rollup-cell.js'
import type { RollupTables, SqlRunner } from './rollup-tables.js'

/** The key hash of a group's folded tail: no value hashes to it (those are 22 base64url characters or `-`). */
export const OTHER_KEY_HASH = '*'

/** Values kept per group and bucket by default: far beyond any list the dashboard shows. */
export const DEFAULT_MAX_VALUES = 1000

/** A cell to write, with its key's hash. */
export interface HashedCell {
  cell: RollupCell
  kh: string
}

/**
 * Bounds the values a writer stores per group (paths, referrers, …) and bucket: the first
 * `maxValues` values of a bucket get cells of their own, the batch's busiest first — a busy value is
 * in the bucket's first batch, so heavy hitters stay exact —, and every later one is folded into
 * the group's one `other` cell (key hash {@link OTHER_KEY_HASH}), whose counters keep totals exact.
 * A scanner's thousands of random paths cost a bucket one row per group, not one per path.
 */
export class ValueBound {
  readonly #tables: RollupTables
  readonly #maxValues: number
  /** The value hashes stored per grain, group and bucket, for the latest two buckets of each grain. */
  readonly #stored = new Map<string, { grain: number; bucket: number; hashes: Set<string> }>()

  constructor(tables: RollupTables, maxValues: number) {
    this.#tables = tables
    this.#maxValues = maxValues
  }

  /**
   * `cells` with the values past the bound folded into their group's `other` cell; `writer`'s
   * stored rows (and the sealed days' of writer `''`) tell what each bucket holds already.
   */
  async fold(db: SqlRunner, cells: readonly HashedCell[], writer: string): Promise<HashedCell[]> {
    // The whole traffic has one value: never bounded.
    const kept = cells.filter(({ cell }) => cell.dim === 'all')
    const groups = new Map<string, HashedCell[]>()
    for (const entry of cells) {
      if (entry.cell.dim === 'all') continue
      const id = groupId(entry.cell)
      const group = groups.get(id)
      if (group === undefined) groups.set(id, [entry])
      else group.push(entry)
    }
    await this.#load(db, groups, writer)
    for (const [id, group] of groups) {
      const stored = (this.#stored.get(id) as { hashes: Set<string> }).hashes
      let other: HashedCell | undefined
      for (const entry of [...group].sort((a, b) => b.cell.hits - a.cell.hits)) {
        if (entry.kh !== OTHER_KEY_HASH && (stored.has(entry.kh) || stored.size < this.#maxValues)) {
          stored.add(entry.kh)
          kept.push(entry)
          continue
        }
        const { grain, bucket, dim } = entry.cell
        other ??= { cell: { ...emptyCell(grain, bucket, dim, null), histogram: undefined, visitors: undefined }, kh: OTHER_KEY_HASH }
        mergeCell(other.cell, { ...entry.cell, histogram: undefined, visitors: undefined })
      }
      if (other !== undefined) kept.push(other)
    }
    keepLatestBuckets(this.#stored)
    return kept
  }

  /** Forgets what is known of stored values (after rollups were pruned). */
  forget(): void {
    this.#stored.clear()
  }

  /** Reads the stored value hashes of the groups not known yet (each group's cells share grain and bucket). */
  async #load(db: SqlRunner, groups: ReadonlyMap<string, readonly HashedCell[]>, writer: string): Promise<void> {
    const buckets = new Map<string, { grain: number; bucket: number }>()
    for (const [id, [first]] of groups) {
      if (this.#stored.has(id) || first === undefined) continue
      const { grain, bucket } = first.cell
      this.#stored.set(id, { grain, bucket, hashes: new Set() })
      buckets.set(`${grain}:${bucket}`, { grain, bucket })
    }
    if (buckets.size === 0) return
    const { rows } = await sql<{ grain: number | string; bucket: number | string; dim: string; kh: string }>`
      select grain, bucket, dim, kh from ${this.#tables.cells}
      where writer in (${writer}, '') and dim <> 'all' and kh <> ${OTHER_KEY_HASH}
        and (${sql.join(
          [...buckets.values()].map(({ grain, bucket }) => sql`(grain = ${grain} and bucket = ${bucket})`),
          sql` or `,
        )})`.execute(db)
    for (const row of rows) this.#stored.get(`${Number(row.grain)}:${Number(row.bucket)}:${row.dim}`)?.hashes.add(row.kh)
  }
}

function groupId(cell: RollupCell): string {
  return `${cell.grain}:${cell.bucket}:${cell.dim}`
}

/** Drops what is remembered of buckets older than the latest two of their grain. */
export function keepLatestBuckets(remembered: Map<string, { grain: number; bucket: number }>): void {
  const latest = new Map<number, number>()
  for (const { grain, bucket } of remembered.values()) latest.set(grain, Math.max(latest.get(grain) ?? bucket, bucket))
  for (const [key, { grain, bucket }] of remembered) if (bucket < (latest.get(grain) ?? bucket) - grain) remembered.delete(key)
}
