import { type RawBuilder, sql } from 'kysely'
import { DAY_MS } from '../../stats/time/utc-day.js'
import type { Span } from '../../stats/rollup/rollup-plan.js'

/** Anything raw SQL runs on: a Kysely instance or a transaction, of any table types. */
export type SqlRunner = Parameters<RawBuilder<unknown>['execute']>[0]

/**
 * The rollup tables beside the raw table `<table>`. Every row belongs to one writer (a store
 * object: one per app process), named in its key, so that writers never touch each other's rows —
 * no locks shared between instances — and a reader sums over writers:
 *
 * - `cells`: counters per grain × group × bucket × value × writer, added to by upserts;
 * - `sketches`: the latency histogram and visitor sketch of the cells that keep them;
 * - `visitors`: one row per grain × bucket × visitor × writer, for exact distinct counts;
 * - `batches`: the id of every batch written, so that a batch retried after an unknown outcome
 *   is found and skipped;
 * - `days`: one row per day written to, and whether it is sealed — its daily cells complete, kept
 *   up by every writer from then on (see `DaySealer`); before, a day is read from its hours.
 */
export interface RollupTables {
  cells: RawBuilder<unknown>
  sketches: RawBuilder<unknown>
  visitors: RawBuilder<unknown>
  batches: RawBuilder<unknown>
  days: RawBuilder<unknown>
  /** The sealed days a writer added daily visitors to afterwards (late requests), and which writer. */
  late: RawBuilder<unknown>
  /** Sealed days noted for compaction, compacted or left whole (see `DayCompactor`). */
  compact: RawBuilder<unknown>
}

/** The names of the rollup tables of `table`, each as {@link rollupTables} refers to it. */
export function rollupTableNames(table: string): Record<keyof RollupTables, string> {
  return {
    cells: `${table}_statgraph_cell`,
    sketches: `${table}_statgraph_sketch`,
    visitors: `${table}_statgraph_visitor`,
    batches: `${table}_statgraph_batch`,
    days: `${table}_statgraph_day`,
    late: `${table}_statgraph_late`,
    compact: `${table}_statgraph_compact`,
  }
}

/** The rollup tables of `table`, qualified by `qualified` (which adds the schema, if any). */
export function rollupTables(table: string, qualified: (name: string) => RawBuilder<unknown>): RollupTables {
  const names = rollupTableNames(table)
  return {
    cells: qualified(names.cells),
    sketches: qualified(names.sketches),
    visitors: qualified(names.visitors),
    batches: qualified(names.batches),
    days: qualified(names.days),
    late: qualified(names.late),
    compact: qualified(names.compact),
  }
}

/**
 * Rollups younger than this are never pruned: writers remember which visitors they stored in the
 * latest buckets (and need their days' rows), and would not store them again.
 */
const ROLLUPS_KEPT_MS = 2 * 86_400_000

/**
 * Deletes the rollups of buckets that ended before `before` (ms), and at least two days ago;
 * returns how many cell rows went.
 */
export async function pruneRollupTables(db: SqlRunner, tables: RollupTables, before: number): Promise<number> {
  // Cut at a whole UTC day, the same for both grains: a day that straddled the cutoff kept its day
  // cell but lost its early hours, and told two totals.
  const hour = Math.floor(Math.min(before, Date.now() - ROLLUPS_KEPT_MS) / DAY_MS) * 24
  // A block of days begun before the cutoff goes whole: its cells would count pruned days.
  const ended = sql`bucket + grain <= ${hour} or (grain > 24 and bucket < ${hour})`
  const result = await sql`delete from ${tables.cells} where ${ended}`.execute(db)
  await sql`delete from ${tables.sketches} where ${ended}`.execute(db)
  await sql`delete from ${tables.visitors} where bucket + grain <= ${hour}`.execute(db)
  await sql`delete from ${tables.days} where day + 24 <= ${hour}`.execute(db)
  await sql`delete from ${tables.late} where day + 24 <= ${hour}`.execute(db)
  await sql`delete from ${tables.compact} where day + 24 <= ${hour}`.execute(db)
  return Number(result.numAffectedRows ?? 0)
}

/** The requests the hourly whole-traffic cells of `hours` count, every writer's. */
export async function hourlyHits(db: SqlRunner, tables: RollupTables, [start, end]: Span): Promise<number> {
  const { rows } = await sql<{ hits: number | string | null }>`select sum(hits) as hits from ${tables.cells}
    where grain = 1 and dim = 'all' and bucket >= ${start} and bucket < ${end}`.execute(db)
  return Number(rows[0]?.hits ?? 0)
}
