/**
 * The instances that stopped sending runtime samples: none for `stoppedAfter` ms at `now`, while
 * another instance sent one within that time (traffic alone cannot tell quiet from gone, and when
 * none reports, the whole app is down or sampling is off: nothing to single out).
 */
export function stoppedInstances(lastSamples: readonly { instance: string; at: string }[], now: number, stoppedAfter: number): Set<string> {
  const quietFor = lastSamples.map(({ instance, at }) => [instance, now - Date.parse(at)] as const)
  if (!quietFor.some(([, quiet]) => quiet <= stoppedAfter)) return new Set()
  return new Set(quietFor.filter(([, quiet]) => quiet > stoppedAfter).map(([instance]) => instance))
}
