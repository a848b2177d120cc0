import { describe, expect, it } from 'vitest'
import { compareRoutes, WORSE_RULE } from '../../../src/stats/answer/release-comparison.js'
import type { RouteStats } from '../../../src/stats/answer/stats.js'

function line(key: string | null, count: number, errors: number, p95: number | null): RouteStats {
  return { key, count, errors, p95ResponseTime: p95, uniqueHits: null, avgResponseTime: p95, lastRequested: '2026-01-01T00:00:00.000Z' }
}

const worse = (current: RouteStats[], previous: RouteStats[]) =>
  compareRoutes(current, previous)
    .routes.filter((change) => change.slower || change.moreErrors)
    .map((change) => [change.route, change.slower, change.moreErrors])

describe('compareRoutes', () => {
  it('names a route slower only past both the ratio and the margin, with enough requests on both sides', () => {
    expect(worse([line('/a', 100, 0, 40)], [line('/a', 100, 0, 20)])).toEqual([['/a', true, false]])
    // 1.2 times: within noise.
    expect(worse([line('/a', 100, 0, 24)], [line('/a', 100, 0, 20)])).toEqual([])
    // Three times, but 2 ms: a fast route's noise.
    expect(worse([line('/a', 100, 0, 3)], [line('/a', 100, 0, 1)])).toEqual([])
    // Too few requests to tell.
    expect(worse([line('/a', WORSE_RULE.minHits - 1, 0, 400)], [line('/a', 100, 0, 20)])).toEqual([])
    expect(worse([line('/a', 100, 0, 400)], [line('/a', WORSE_RULE.minHits - 1, 0, 20)])).toEqual([])
  })

  it('allows for the change every route saw: a busier machine names none, the route slowed beyond it is named', async () => {
    // Every route about twice as slow: the machine, not the code.
    const busier = worse(
      [line('/a', 100, 0, 10), line('/b', 100, 0, 42), line('/c', 100, 0, 220)],
      [line('/a', 100, 0, 5), line('/b', 100, 0, 20), line('/c', 100, 0, 100)],
    )
    expect(busier).toEqual([])
    const comparison = compareRoutes(
      [line('/a', 100, 0, 10), line('/b', 100, 0, 42), line('/c', 100, 0, 900)],
      [line('/a', 100, 0, 5), line('/b', 100, 0, 20), line('/c', 100, 0, 100)],
    )
    expect(comparison.routes.filter((change) => change.slower).map((change) => change.route)).toEqual(['/c'])
    expect(comparison.typicalShift).toBeCloseTo(2.1, 9)
  })

  it('takes no shift from a route too fast to tell one: its jitter hides no slowed route', () => {
    // Seen in a CI run on a loaded machine: 1.1 → 8.7 ms is a fast route's jitter, not the machine
    // slowing everything 7.6 times.
    const comparison = compareRoutes([line('/hit', 90, 0, 8.7), line('/work', 90, 0, 166.7)], [line('/hit', 90, 0, 1.1), line('/work', 90, 0, 18.2)])
    expect(comparison.routes.filter((change) => change.slower).map((change) => change.route)).toEqual(['/work'])
    expect(comparison.typicalShift).toBeCloseTo(166.7 / 18.2, 9)
  })

  it('names a route failing more often only when the rise passes the test', () => {
    expect(worse([line('/a', 200, 20, 10)], [line('/a', 200, 0, 10)])).toEqual([['/a', false, true]])
    // 3 errors in 200 against none: could be chance.
    expect(worse([line('/a', 200, 3, 10)], [line('/a', 200, 0, 10)])).toEqual([])
    // 6% against 5% over 1,000 requests each: within chance.
    expect(worse([line('/a', 1000, 60, 10)], [line('/a', 1000, 50, 10)])).toEqual([])
    expect(worse([line('/a', 1000, 120, 10)], [line('/a', 1000, 50, 10)])).toEqual([['/a', false, true]])
  })

  it('lists every route of either release, the worse first, then by hits; no route gathers nothing', () => {
    const { routes: changes } = compareRoutes(
      [line('/new', 50, 0, 5), line('/slow', 40, 0, 90), line(null, 500, 0, 5)],
      [line('/slow', 40, 0, 10), line('/gone', 70, 0, 5)],
    )
    expect(changes.map((change) => [change.route, change.current?.hits ?? null, change.previous?.hits ?? null])).toEqual([
      ['/slow', 40, 40],
      ['/new', 50, null],
      ['/gone', null, 70],
    ])
  })
})
