import type { RequestRecord } from '../../record/request-record.js'
import { binOf } from '../sketch/latency-histogram.js'
import { visitorHash } from '../sketch/visitor-sketch.js'
import { emptyCell, HOUR_MS, mergeCell, type RollupCell, type RollupDimension } from './rollup-cell.js'

/** The fields of a request that rollups count. */
export type RollupSource = Pick<
  RequestRecord,
  | 'date'
  | 'response_time'
  | 'size'
  | 'status_code'
  | 'method'
  | 'path'
  | 'route'
  | 'browser'
  | 'platform'
  | 'referrer'
  | 'mimetype'
  | 'exception'
  | 'instance'
  | 'version'
> & {
  /** None in rows another writer kept without it (Flask-Statgraph, plain SQL): no visitor, as `count(distinct)` has it. */
  remote_address: string | null
}

/** What a path's or a route's cell counts of a request. */
export type PathSource = Pick<RollupSource, 'date' | 'response_time' | 'size' | 'status_code' | 'path' | 'route' | 'remote_address'>

/** The visitors seen in one bucket: rows of the store's visitor table. */
export interface BucketVisitors {
  grain: number
  bucket: number
  visitors: Set<string>
}

/** One bucket's cells, by group and value, and its visitors. */
interface Bucket {
  groups: Map<RollupDimension, Map<string | null, RollupCell>>
  visitors: Set<string>
}

/** Which days (their first hour since the epoch) also get daily cells and visitors. */
export type DayFilter = (day: number) => boolean

/**
 * Requests summed into rollup cells and bucket visitors, in memory: what one write adds to the
 * store's rollups, or what raw rows at the edge of a range add to an answer read from rollups.
 * Requests are counted into hourly cells; daily cells are summed from those, at the end, for the
 * days asked for (a store keeps daily cells of a day once it is sealed: see `DaySealer`).
 */
export class RollupBatch {
  readonly #hours = new Map<number, Bucket>()

  add(request: RollupSource): void {
    const hour = Math.floor(request.date / HOUR_MS)
    const bucket = this.#bucket(hour)
    const bin = timeBin(request)
    const visitor = visitorOf(request)
    count(bucket, hour, 'all', null, request, bin, visitor)
    count(bucket, hour, 'path', request.path, request, bin, visitor)
    count(bucket, hour, 'route', request.route, request, bin, visitor)
    count(bucket, hour, 'method', request.method, request, bin, visitor)
    count(bucket, hour, 'status', statusText(request.status_code), request, bin, visitor)
    count(bucket, hour, 'browser', request.browser, request, bin, visitor)
    count(bucket, hour, 'platform', request.platform, request, bin, visitor)
    count(bucket, hour, 'referrer', request.referrer, request, bin, visitor)
    count(bucket, hour, 'mimetype', request.mimetype, request, bin, visitor)
    count(bucket, hour, 'instance', request.instance, request, bin, visitor)
    count(bucket, hour, 'version', request.version, request, bin, visitor)
    if (request.exception !== null) {
      count(bucket, hour, 'exception', request.exception, request, bin, visitor)
      count(bucket, hour, 'place', JSON.stringify([request.exception, request.route ?? request.path]), request, bin, visitor)
    }
    if (request.remote_address !== null) bucket.visitors.add(request.remote_address)
  }

  /**
   * Counts `request` into its path's and its route's cells alone (a compacted hour's groups: see
   * `COMPACTED_GROUPS`), in its hour's, or in `hour` (a sum over many hours needs one cell a value).
   */
  addPaths(request: PathSource, hour = Math.floor(request.date / HOUR_MS)): void {
    const bucket = this.#bucket(hour)
    const bin = timeBin(request)
    const visitor = visitorOf(request)
    count(bucket, hour, 'path', request.path, request, bin, visitor)
    count(bucket, hour, 'route', request.route, request, bin, visitor)
  }

  #bucket(hour: number): Bucket {
    let bucket = this.#hours.get(hour)
    if (bucket === undefined) {
      bucket = { groups: new Map(), visitors: new Set() }
      this.#hours.set(hour, bucket)
    }
    return bucket
  }

  /** The days the requests fell on, as their first hour since the epoch. */
  days(): number[] {
    return [...new Set([...this.#hours.keys()].map((hour) => hour - (hour % 24)))]
  }

  /** Every cell: hourly ones, then daily ones summed from them for the days `daily` picks. */
  cells(daily: DayFilter): RollupCell[] {
    const hourly = [...this.#hours.values()].flatMap((bucket) => [...bucket.groups.values()].flatMap((group) => [...group.values()]))
    const days = new Map<string, RollupCell>()
    for (const cell of hourly) {
      const day = cell.bucket - (cell.bucket % 24)
      if (!daily(day)) continue
      const id = `${day}\0${cell.dim}\0${cell.key ?? '\u0001'}`
      let sum = days.get(id)
      if (sum === undefined) {
        sum = emptyCell(24, day, cell.dim, cell.key)
        days.set(id, sum)
      }
      mergeCell(sum, cell)
    }
    return [...hourly, ...days.values()]
  }

  /** The visitors of every bucket: hourly, then daily for the days `daily` picks. */
  visitors(daily: DayFilter): BucketVisitors[] {
    const hourly = [...this.#hours].map(([hour, bucket]) => ({ grain: 1, bucket: hour, visitors: bucket.visitors }))
    const days = new Map<number, Set<string>>()
    for (const { bucket, visitors } of hourly) {
      const day = bucket - (bucket % 24)
      if (!daily(day)) continue
      const seen = days.get(day)
      if (seen === undefined) days.set(day, new Set(visitors))
      else for (const visitor of visitors) seen.add(visitor)
    }
    return [...hourly, ...[...days].map(([day, visitors]) => ({ grain: 24, bucket: day, visitors }))]
  }
}

/** The latency bin of `request`'s time, NaN without one: binned once for all its cells' histograms. */
function timeBin(request: PathSource): number {
  return request.response_time === null ? Number.NaN : binOf(request.response_time)
}

/** The hash of `request`'s visitor, NaN without an address: hashed once for all its cells' sketches. */
function visitorOf(request: PathSource): number {
  return request.remote_address === null ? Number.NaN : visitorHash(request.remote_address)
}

/** Status codes as the status group's keys, made once. */
const STATUS_TEXTS = Array.from({ length: 600 }, (_, code) => String(code))

function statusText(code: number): string {
  return STATUS_TEXTS[code] ?? String(code)
}

function count(bucket: Bucket, hour: number, dim: RollupDimension, key: string | null, request: PathSource, bin: number, visitor: number): void {
  let group = bucket.groups.get(dim)
  if (group === undefined) {
    group = new Map()
    bucket.groups.set(dim, group)
  }
  let cell = group.get(key)
  if (cell === undefined) {
    cell = emptyCell(1, hour, dim, key)
    group.set(key, cell)
  }
  cell.hits++
  if (request.status_code >= 500) cell.errors++
  cell.bytes += request.size
  const time = request.response_time
  if (time !== null) {
    cell.timed++
    cell.timeSum += time
    if (cell.timeMax === null || time > cell.timeMax) cell.timeMax = time
    cell.histogram?.addBin(bin)
  }
  if (request.date > cell.last) cell.last = request.date
  if (!Number.isNaN(visitor)) cell.visitors?.addHash(visitor)
}
