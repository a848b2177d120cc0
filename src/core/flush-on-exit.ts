import type { Logger } from '../log/logger.js'

const SIGNALS = ['SIGTERM', 'SIGINT'] as const

/**
 * Writes every recorded request when the process is asked to stop (SIGTERM, SIGINT) or runs out of
 * work (`beforeExit`). The app keeps serving meanwhile, so `drain` writes until nothing is left;
 * the signal is then raised again, in the same tick, so the process ends as it would have without
 * statgraph — unless the app listens for it too, in which case ending is the app's call.
 * Returns the function that removes the hooks.
 */
export function flushOnExit(drain: () => Promise<void>, logger: Logger): () => void {
  if (typeof process === 'undefined' || typeof process.once !== 'function') return () => {}
  const drained = () => drain().catch((error: unknown) => logger.error(`statgraph: writing the last requests failed (${String(error)})`))
  const onSignal = (signal: NodeJS.Signals) => {
    void drained().then(() => {
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
    })
  }
  const onBeforeExit = () => void drained()
  for (const signal of SIGNALS) process.once(signal, onSignal)
  process.once('beforeExit', onBeforeExit)
  return () => {
    for (const signal of SIGNALS) process.off(signal, onSignal)
    process.off('beforeExit', onBeforeExit)
  }
}
