import { BlockSealer } from './block-sealer.js'
import { DayCompactor, type Turn } from './day-compactor.js'
import { DaySealer } from './day-sealer.js'
import type { RawRows } from './rollup-reader.js'
import type { SqlRunner } from './rollup-tables.js'
import type { SealerContext } from './sealer-context.js'

/**
 * What keeps the rollups small and quick to read, beside the writes: ended days sealed into daily
 * cells, sealed days summed into blocks, older days compacted — and compacted days restored before
 * a prune takes their raw rows.
 */
export class RollupUpkeep {
  readonly #days: DaySealer
  readonly #blocks: BlockSealer
  readonly #compactor: DayCompactor

  constructor(context: SealerContext, raw: (db: SqlRunner) => RawRows) {
    this.#days = new DaySealer(context)
    this.#blocks = new BlockSealer(context)
    this.#compactor = new DayCompactor(context, raw)
  }

  /** Whether it is time for another round (every ten minutes); true counts as one. */
  due(now: number): boolean {
    return this.#days.due(now)
  }

  /** Seals the days due as of `now`, then sums blocks of them; returns how many days it sealed. */
  async seal(now: number): Promise<number> {
    const sealed = await this.#days.sealDue(now)
    await this.#blocks.sealDue()
    return sealed
  }

  /**
   * Compacts the days due as of `now`, each in a `turn` of its own: a SQLite file's writes go on
   * between days. Returns how many it compacted.
   */
  compact(now: number, turn: Turn): Promise<number> {
    return this.#compactor.compactDue(now, turn)
  }

  /** Readies the rollups for a prune of the raw rows before `before`. */
  beforePrune(before: number): Promise<number> {
    return this.#compactor.restoreBefore(before)
  }
}
