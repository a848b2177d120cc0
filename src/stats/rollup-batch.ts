import type { RequestRecord } from '../record/request-record.js'
import { cellId, emptyCell, GRAINS, HOUR_MS, type RollupCell, type RollupDimension } from './rollup-cell.js'

/** The fields of a request that rollups count. */
export type RollupSource = Pick<
  RequestRecord,
  'date' | 'response_time' | 'size' | 'status_code' | 'method' | 'path' | 'route' | 'browser' | 'platform' | 'referrer' | 'mimetype' | 'exception' | 'remote_address'
>

/** The visitors seen in one bucket: rows of the store's visitor table. */
export interface BucketVisitors {
  grain: number
  bucket: number
  visitors: Set<string>
}

/**
 * Requests summed into rollup cells and bucket visitors, in memory: what one write adds to the
 * store's rollups, or what raw rows at the edge of a range add to an answer read from rollups.
 */
export class RollupBatch {
  readonly cells = new Map<string, RollupCell>()
  readonly visitors = new Map<string, BucketVisitors>()
  readonly #grains: readonly number[]

  constructor(grains: readonly number[] = GRAINS) {
    this.#grains = grains
  }

  add(request: RollupSource): void {
    const hour = Math.floor(request.date / HOUR_MS)
    for (const grain of this.#grains) {
      const bucket = hour - (hour % grain)
      this.#count(grain, bucket, 'all', null, request)
      this.#count(grain, bucket, 'path', request.path, request)
      this.#count(grain, bucket, 'route', request.route, request)
      this.#count(grain, bucket, 'method', request.method, request)
      this.#count(grain, bucket, 'status', String(request.status_code), request)
      this.#count(grain, bucket, 'browser', request.browser, request)
      this.#count(grain, bucket, 'platform', request.platform, request)
      this.#count(grain, bucket, 'referrer', request.referrer, request)
      this.#count(grain, bucket, 'mimetype', request.mimetype, request)
      if (request.exception !== null) {
        this.#count(grain, bucket, 'exception', request.exception, request)
        this.#count(grain, bucket, 'place', JSON.stringify([request.exception, request.route ?? request.path]), request)
      }
      const bucketId = `${grain}:${bucket}`
      let seen = this.visitors.get(bucketId)
      if (seen === undefined) {
        seen = { grain, bucket, visitors: new Set() }
        this.visitors.set(bucketId, seen)
      }
      seen.visitors.add(request.remote_address)
    }
  }

  #count(grain: number, bucket: number, dim: RollupDimension, key: string | null, request: RollupSource): void {
    const id = cellId(grain, bucket, dim, key)
    let cell = this.cells.get(id)
    if (cell === undefined) {
      cell = emptyCell(grain, bucket, dim, key)
      this.cells.set(id, cell)
    }
    cell.hits++
    if (request.status_code >= 500) cell.errors++
    cell.bytes += request.size
    const time = request.response_time
    if (time !== null) {
      cell.timed++
      cell.timeSum += time
      if (cell.timeMax === null || time > cell.timeMax) cell.timeMax = time
      cell.histogram?.add(time)
    }
    if (request.date > cell.last) cell.last = request.date
    cell.visitors?.add(request.remote_address)
  }
}
