/** The percentiles statgraph reports, as whole percents. */
export const PERCENTILES = [50, 95, 99] as const

/**
 * The 1-based rank of the `percent`th percentile among `count` sorted values, by the nearest-rank
 * method: ceil(percent / 100 × count). Exact, and always one of the recorded values.
 */
export function nearestRank(percent: number, count: number): number {
  return Math.max(1, Math.ceil((percent * count) / 100))
}
