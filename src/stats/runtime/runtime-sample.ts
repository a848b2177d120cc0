/** One instance's runtime at one instant, sampled off the request path (see `RuntimeSampler`). */
export interface RuntimeSample {
  instance: string
  /** When it was taken, ms since the epoch. */
  at: number
  /** Event-loop delay since the previous sample, ms: median and 99th percentile. */
  loopP50: number
  loopP99: number
  /** Bytes of V8 heap in use, and the process's resident set. */
  heapUsed: number
  rss: number
  /** CPU time (user + system) since the previous sample, as a percentage of one core. */
  cpu: number
}

/**
 * An instance's samples over one bucket of a chart: mean of medians, heap and CPU; worst p99 and RSS
 * (a 200 ms stall must not be averaged away).
 */
export interface RuntimePoint {
  instance: string
  /** Start of the bucket, ISO 8601. */
  t: string
  loopP50: number
  loopP99: number
  heapUsed: number
  rss: number
  cpu: number
}

/** The runtime samples of a range, per instance and bucket, and when each instance last reported at all. */
export interface RuntimeReport {
  points: RuntimePoint[]
  /** Each instance's latest sample ever, ISO 8601. */
  lastSamples: { instance: string; at: string }[]
}
