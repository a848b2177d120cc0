/**
 * Deletes rows older than `retention.raw` every `retention.every` ms, in the background: the timer
 * never keeps the process alive, and a failure is logged and tried again at the next turn.
 * Returns the timer, for `clearInterval` on close.
 */
export function schedulePruning(
  prune: (before: number) => Promise<unknown>,
  retention: { raw: number; every: number },
): ReturnType<typeof setInterval> {
  const timer = setInterval(() => {
    prune(Date.now() - retention.raw).catch((error: unknown) => {
      console.error(`statgraph: deleting old statistics failed (${String(error)}); will try again in ${retention.every / 1000} s`)
    })
  }, retention.every)
  timer.unref?.()
  return timer
}
