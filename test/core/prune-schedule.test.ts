import { afterEach, describe, expect, it } from 'vitest'
import { type Pruner, schedulePruning } from '../../src/core/prune-schedule.js'
import type { Logger } from '../../src/log/logger.js'
import { waitFor } from '../helpers/wait-for.js'

const stops: (() => void)[] = []
afterEach(() => {
  for (const stop of stops.splice(0)) stop()
})

/** A pruner whose deletes end only when the test lets them, counting the calls and the most at once. */
function slowPruner() {
  const releases: (() => void)[] = []
  let running = 0
  const seen = { calls: 0, mostAtOnce: 0 }
  const remove = () => {
    seen.calls++
    running++
    seen.mostAtOnce = Math.max(seen.mostAtOnce, running)
    return new Promise<number>((resolve) =>
      releases.push(() => {
        running--
        resolve(0)
      }),
    )
  }
  const pruner: Pruner = { prune: remove, pruneRollups: remove }
  return { pruner, seen, release: () => releases.splice(0).forEach((release) => release()) }
}

const quiet: Logger = { error: () => undefined, warn: () => undefined, info: () => undefined }

describe('schedulePruning', () => {
  it('skips the turns that come while a prune still runs, and prunes again once it ended', async () => {
    const { pruner, seen, release } = slowPruner()
    stops.push(schedulePruning(pruner, { raw: 86_400_000, rollups: undefined, every: 5 }, quiet))
    await waitFor(() => seen.calls === 1, 'the first prune')
    // Many turns pass while the first prune holds.
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(seen.calls).toBe(1)
    release()
    await waitFor(() => seen.calls === 2, 'the prune of a later turn')
    release()
    expect(seen.mostAtOnce).toBe(1)
  })

  it('runs the raw prune after the rollups prune, never beside it, and logs a failure once a turn', async () => {
    const { pruner, seen, release } = slowPruner()
    const errors: string[] = []
    const failing: Pruner = { ...pruner, prune: () => Promise.reject(new Error('database is down')) }
    stops.push(schedulePruning(failing, { raw: 86_400_000, rollups: 3 * 86_400_000, every: 5 }, { ...quiet, error: (message) => errors.push(message) }))
    await waitFor(() => seen.calls === 1, 'the rollups prune')
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(errors).toEqual([])
    release()
    await waitFor(() => errors.length === 1, 'the failed raw prune to be logged')
    expect(errors[0]).toContain('database is down')
    expect(errors[0]).toContain('will try again')
    await waitFor(() => seen.calls === 2, 'the next turn')
    release()
    expect(seen.mostAtOnce).toBe(1)
  })

  it('once stopped, starts no prune after the one running', async () => {
    const { pruner, seen, release } = slowPruner()
    let rawPrunes = 0
    const counted: Pruner = {
      ...pruner,
      prune: () => {
        rawPrunes++
        return Promise.resolve(0)
      },
    }
    const stop = schedulePruning(counted, { raw: 86_400_000, rollups: 3 * 86_400_000, every: 5 }, quiet)
    await waitFor(() => seen.calls === 1, 'the rollups prune')
    stop()
    release()
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(rawPrunes).toBe(0)
    expect(seen.calls).toBe(1)
  })

  it('does not report a prune that the close cut short', async () => {
    const { pruner, seen, release } = slowPruner()
    const errors: string[] = []
    const cut: Pruner = {
      ...pruner,
      prune: (before) => pruner.prune(before).then(() => Promise.reject(new Error('statgraph: a worker thread stopped (exit code 1)'))),
    }
    const stop = schedulePruning(cut, { raw: 86_400_000, rollups: undefined, every: 5 }, { ...quiet, error: (message) => errors.push(message) })
    await waitFor(() => seen.calls === 1, 'the raw prune')
    stop()
    release()
    await new Promise((resolve) => setTimeout(resolve, 60))
    expect(errors).toEqual([])
  })
})
