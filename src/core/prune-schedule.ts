import type { Logger } from '../log/logger.js'
import type { Retention } from './retention.js'

/** What deletes old rows: a store, or the writer thread that owns a SQLite file. */
export interface Pruner {
  prune(before: number): Promise<number>
  pruneRollups(before: number): Promise<number>
}

/**
 * Deletes raw rows older than `retention.raw` and rollups older than `retention.rollups` every
 * `retention.every` ms, in the background: the timer never keeps the process alive, and a failure is
 * logged and tried again at the next turn. A turn that comes while the last one still deletes is
 * skipped: prunes of a big table on a busy database would otherwise pile up, each slower for the
 * others. Returns the function that stops it, on close.
 */
export function schedulePruning(pruner: Pruner, retention: Retention, logger: Logger): () => void {
  let pruning = false
  let stopped = false
  const timer = setInterval(() => {
    if (pruning) return
    pruning = true
    const now = Date.now()
    // Rollups first: a prune of raw rows rebuilds what compacted days' rollups need of them, and
    // need not for days whose rollups go too.
    const rollups = retention.rollups === undefined ? 0 : pruner.pruneRollups(now - retention.rollups)
    Promise.resolve(rollups)
      .then(() => (stopped || retention.raw === undefined ? 0 : pruner.prune(now - retention.raw)))
      .catch((error: unknown) => {
        // Closing ends the writer thread under a prune that was running: not a failure to report
        // (and, above, no prune starts after it, which would start the thread again).
        if (stopped) return
        logger.error(`statgraph: deleting old statistics failed (${String(error)}); will try again in ${retention.every / 1000} s`)
      })
      .finally(() => {
        pruning = false
      })
  }, retention.every)
  timer.unref?.()
  return () => {
    stopped = true
    clearInterval(timer)
  }
}
