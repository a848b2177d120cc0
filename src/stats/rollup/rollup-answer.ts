import { compareCodePoints } from '../answer/code-point-order.js'
import { PERCENTILES } from '../sketch/percentile.js'
import { emptyCell, HOUR_MS, mergeCell, type RollupCell, type RollupDimension } from './rollup-cell.js'
import type { StatsQuery } from '../query/stats-query.js'
import type { BreakdownEntry, ExceptionStats, RouteStats, StoreStats, TimeseriesPoint } from '../answer/stats.js'
import { bucketStart, bucketStarts } from '../time/time-bucket.js'

/**
 * Distinct visitors: of the whole range, and of the time-series points made of parts (by their
 * start, ms), counted by the store; a point that is one stored bucket has its exact count on its cell.
 */
export interface VisitorCounts {
  total: number
  points: ReadonlyMap<number, number>
}

/**
 * A stats answer summed from rollup cells (read from the store, or built from raw rows at the
 * range's edges): whole-traffic cells per time-series point, every other group's cells per value.
 */
export class RollupAnswer {
  readonly #query: StatsQuery
  readonly #points = new Map<number, RollupCell>()
  readonly #groups = new Map<RollupDimension, Map<string | null, RollupCell>>()
  /** Requests of each group's folded tail (values past the store's bound): no entry, but counted. */
  readonly #folded = new Map<RollupDimension, number>()
  /** The whole traffic's cells merged, once every one is in. */
  #total: RollupCell | undefined

  constructor(query: StatsQuery) {
    this.#query = query
  }

  /** Counts `cell` in; the answer may change it, so it must not be used elsewhere afterwards. */
  add(cell: RollupCell): void {
    if (cell.folded === true) {
      this.#folded.set(cell.dim, (this.#folded.get(cell.dim) ?? 0) + cell.hits)
      return
    }
    if (cell.dim === 'all') {
      mergeInto(this.#points, bucketStart(cell.bucket * HOUR_MS, this.#query.bucket), cell)
      return
    }
    let group = this.#groups.get(cell.dim)
    if (group === undefined) {
      group = new Map()
      this.#groups.set(cell.dim, group)
    }
    mergeInto(group, cell.key, cell)
  }

  #whole(): RollupCell {
    if (this.#total === undefined) {
      this.#total = emptyCell(0, 0, 'all', null)
      for (const cell of this.#points.values()) mergeCell(this.#total, cell)
    }
    return this.#total
  }

  /** The `count` values of `dim` with the most requests, most first (ties: by value, none last). */
  top(dim: RollupDimension, count = this.#query.top): RollupCell[] {
    const cells = [...(this.#groups.get(dim)?.values() ?? [])]
    const byValue = dim === 'status' ? (a: string, b: string) => Number(a) - Number(b) : compareCodePoints
    cells.sort((a, b) => b.hits - a.hits || (a.key === null ? 1 : 0) - (b.key === null ? 1 : 0) || byValue(a.key ?? '', b.key ?? ''))
    return cells.slice(0, count)
  }

  /** Visitor rows (one per stored bucket and visitor) of the point starting at `start`: what counting its visitors reads. */
  visitorRows(start: number): number {
    return this.#points.get(start)?.visitorCount ?? 0
  }

  /** The range's distinct visitors as its merged sketches estimate them; every whole-traffic cell must be in. */
  visitorEstimate(): number {
    return this.#whole().visitors?.count() ?? 0
  }

  build(visitors: VisitorCounts): StoreStats {
    const total = this.#whole()
    const wide = this.#query.bucket === 'week' || this.#query.bucket === 'month'
    const timeseries: TimeseriesPoint[] = bucketStarts(this.#query.range.from, this.#query.range.to, this.#query.bucket).map((start) => {
      const cell = this.#points.get(start)
      return {
        t: new Date(start).toISOString(),
        hits: cell?.hits ?? 0,
        // A week's or a month's point is many stored days: its cells' counts do not add up.
        uniqueHits: visitors.points.get(start) ?? (wide ? cell?.visitors?.count() : cell?.visitorCount) ?? 0,
        errors: cell?.errors ?? 0,
        avgResponseTime: cell === undefined ? null : average(cell),
        p50ResponseTime: percentileOf(cell, 50),
        p95ResponseTime: percentileOf(cell, 95),
        p99ResponseTime: percentileOf(cell, 99),
      }
    })
    const entries = (dim: RollupDimension) => this.top(dim).map((cell) => ({ key: cell.key, count: cell.hits }))
    const lists = {
      statusCodes: entries('status').map((entry) => ({ key: Number(entry.key), count: entry.count })),
      methods: entries('method') as BreakdownEntry<string>[],
      paths: this.#routeLines('path') as (RouteStats & { key: string })[],
      routes: this.#routeLines('route'),
      browsers: entries('browser'),
      platforms: entries('platform'),
      referrers: entries('referrer'),
      mimetypes: entries('mimetype'),
      exceptions: this.#exceptions(),
      instances: this.#routeLines('instance'),
      versions: this.#routeLines('version'),
    }
    const withException = [...(this.#groups.get('exception')?.values() ?? [])].reduce((sum, cell) => sum + cell.hits, 0) + (this.#folded.get('exception') ?? 0)
    const listed = (list: readonly { count: number }[]) => list.reduce((sum, entry) => sum + entry.count, 0)
    const other = Object.fromEntries(
      Object.entries(lists).map(([name, list]) => [name, (name === 'exceptions' ? withException : total.hits) - listed(list)]),
    ) as StoreStats['other']
    const [p50, p95, p99] = PERCENTILES.map((percent) => percentileOf(total, percent))
    return {
      hits: total.hits,
      uniqueHits: visitors.total,
      errors: total.errors,
      bytes: total.bytes,
      responseTime: { avg: average(total), p50: p50 ?? null, p95: p95 ?? null, p99: p99 ?? null, max: total.timeMax },
      timeseries,
      ...lists,
      other,
    }
  }

  #routeLines(dim: 'path' | 'route' | 'instance' | 'version'): RouteStats[] {
    return this.top(dim).map((cell) => ({
      key: cell.key,
      count: cell.hits,
      uniqueHits: cell.visitors?.count() ?? null,
      errors: cell.errors,
      avgResponseTime: average(cell),
      p95ResponseTime: percentileOf(cell, 95),
      lastRequested: new Date(cell.last).toISOString(),
    }))
  }

  #exceptions(): ExceptionStats[] {
    // Where each exception happens most: its busiest place, ties to the first by value.
    const places = new Map<string, { place: string; count: number }>()
    for (const cell of this.#groups.get('place')?.values() ?? []) {
      const [exception, place] = JSON.parse(cell.key as string) as [string, string]
      const best = places.get(exception)
      if (best === undefined || cell.hits > best.count || (cell.hits === best.count && place < best.place)) places.set(exception, { place, count: cell.hits })
    }
    return this.top('exception').map((cell) => ({
      key: cell.key as string,
      count: cell.hits,
      lastSeen: new Date(cell.last).toISOString(),
      where: places.get(cell.key as string)?.place ?? null,
    }))
  }
}

/** Merges `cell` into the one kept for `key`; the first one is kept as it is (cells given to an answer are its own). */
function mergeInto<K>(cells: Map<K, RollupCell>, key: K, cell: RollupCell): void {
  const existing = cells.get(key)
  if (existing === undefined) cells.set(key, cell)
  else mergeCell(existing, cell)
}

function average(cell: RollupCell): number | null {
  return cell.timed === 0 ? null : cell.timeSum / cell.timed
}

/**
 * A cell's percentile, read from its histogram — whose bins' representative values can lie above the
 * slowest request in them — and so never above the cell's exact maximum.
 */
function percentileOf(cell: RollupCell | undefined, percent: number): number | null {
  const value = cell?.histogram?.percentile(percent) ?? null
  return value === null || cell?.timeMax === null || cell?.timeMax === undefined ? value : Math.min(value, cell.timeMax)
}
