import type { RuntimePoint } from '../stats/runtime/runtime-sample.js'
import type { DateRange } from '../stats/query/query-params.js'
import type { DashboardReads } from './dashboard-reads.js'
import { stoppedInstances } from '../stats/runtime/stopped-instances.js'

/** One app instance over the range. */
export interface InstanceLine {
  instance: string
  /** Requests it served in the range, and how many failed (status ≥ 500). */
  hits: number
  errors: number
  errorRate: number
  p95ResponseTime: number | null
  /** Its latest request in the range, ISO 8601; null when it served none. */
  lastRequested: string | null
  /** Its latest runtime sample ever, ISO 8601; null when it sends none. */
  lastSample: string | null
  /** It stopped sending runtime samples while another instance goes on. */
  stopped: boolean
}

/** `GET {prefix}/api/instances`: the instances of the range, and their runtime gauges. */
export interface InstancesAnswer {
  instances: InstanceLine[]
  /** Per instance and chart point, in time order (see `RuntimePoint`). */
  runtime: RuntimePoint[]
  /** The width of one point of `runtime`, ms. */
  width: number
  /** How long an instance may go without a sample before it counts as stopped, ms. */
  stoppedAfter: number
}

/** Points a runtime chart gets across a range, at most; a point is never narrower than a sample. */
const RUNTIME_POINTS = 300
const MIN_WIDTH = 10_000

/** The instances answer for `range` at instant `now`. */
export async function instancesAnswer(reads: DashboardReads, range: DateRange, now: number, stoppedAfter: number): Promise<InstancesAnswer> {
  const width = Math.max(MIN_WIDTH, Math.ceil((range.to - range.from) / RUNTIME_POINTS / MIN_WIDTH) * MIN_WIDTH)
  const [stats, runtime] = await Promise.all([reads.stats({ range, filters: {}, top: 1000, bucket: 'day' }), reads.runtime(range.from, range.to, width)])
  const lastSamples = new Map(runtime.lastSamples.map((sample) => [sample.instance, Date.parse(sample.at)]))
  const stopped = stoppedInstances(runtime.lastSamples, now, stoppedAfter)
  const seen = new Set(runtime.points.map((point) => point.instance))
  const lines = new Map<string, InstanceLine>()
  const line = (instance: string): InstanceLine => {
    const at = lastSamples.get(instance)
    return {
      instance,
      hits: 0,
      errors: 0,
      errorRate: 0,
      p95ResponseTime: null,
      lastRequested: null,
      lastSample: at === undefined ? null : new Date(at).toISOString(),
      stopped: stopped.has(instance),
    }
  }
  for (const entry of stats.instances) {
    if (entry.key === null) continue
    lines.set(entry.key, {
      ...line(entry.key),
      hits: entry.count,
      errors: entry.errors,
      errorRate: entry.count === 0 ? 0 : entry.errors / entry.count,
      p95ResponseTime: entry.p95ResponseTime,
      lastRequested: entry.lastRequested,
    })
  }
  for (const instance of seen) if (!lines.has(instance)) lines.set(instance, line(instance))
  const instances = [...lines.values()].sort((a, b) => Number(b.stopped) - Number(a.stopped) || b.hits - a.hits || (a.instance < b.instance ? -1 : 1))
  return { instances, runtime: runtime.points, width, stoppedAfter }
}
