import { type Kysely, sql } from 'kysely'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { SqlFlavor } from '../../src/store/kysely/sql-flavor.js'
import { parseRequestsQuery } from '../../src/stats/query/requests-query.js'
import { parseSearchQuery } from '../../src/stats/query/search-query.js'
import { HISTOGRAM_RELATIVE_ERROR } from '../../src/stats/sketch/latency-histogram.js'
import type { StatsQuery } from '../../src/stats/query/stats-query.js'
import { statsQuery } from '../helpers/queries.js'
import type { KyselyStore } from '../../src/store/kysely/kysely-store.js'
import { expectedStats, percentileOf, pointStart } from '../helpers/expected-stats.js'
import { seededRandom } from '../../src/cli/demo/seeded-random.js'
import { generateRecords, record } from '../helpers/records.js'
import { makeVersion5Table } from '../helpers/version5-table.js'
import type { RequestRecord } from '../../src/record/request-record.js'
import { describeAlertStoreConformance } from './alert-store-conformance.js'
import { describeCompactionConformance } from './compaction-conformance.js'

/** One engine as the conformance suite drives it. */
export interface StoreEngine {
  /** The engine's database through Kysely, past any store (to make tables as older versions did). */
  kysely: Kysely<unknown>
  flavor: SqlFlavor
  /** A store on `table` (a fresh one per test unless a test reuses the name). */
  open(table: string, options?: { maxValues?: number }): KyselyStore
  /** Rows in `table`, counted past the store with the engine's own client. */
  countRows(table: string): Promise<number>
  /** Removes `table` and its migration tables. */
  dropTable(table: string): Promise<void>
  /** Runs one SQL statement with the engine's own client (plain names only, no quoting). */
  run(statement: string): Promise<void>
  /** Releases the engine's own connections once the suite is over. */
  end?(): Promise<void>
}

const JAN_10 = Date.UTC(2026, 0, 10)

/**
 * A response time as an answer gives it: the exact nearest-rank value from raw rows, or from rollups
 * a value within the histogram's stated relative error of it.
 */
function expectTime(actual: number | null | undefined, exact: number | null | undefined, exactly: boolean): void {
  if (exactly || exact === null || exact === undefined) {
    expect(actual ?? null).toBe(exact ?? null)
    return
  }
  expect(actual).toBeTypeOf('number')
  expect(Math.abs((actual as number) - exact)).toBeLessThanOrEqual(exact * HISTOGRAM_RELATIVE_ERROR + 1e-9)
}

/** The two ways a store answers: from rollups (`stats`) and from raw rows alone, exactly. */
const ANSWERS = [
  { name: 'rollups', exactTimes: false, answer: (store: KyselyStore, query: StatsQuery) => store.stats(query) },
  { name: 'raw rows', exactTimes: true, answer: (store: KyselyStore, query: StatsQuery) => store.statsFromRaw(query) },
] as const

function requestsQuery(search: string) {
  return parseRequestsQuery(new URLSearchParams(search), { defaultDateSpan: 7 })
}

/**
 * The promises every store keeps, run against each engine: the same rows give the same answers,
 * field by field, as counting the rows in JavaScript does.
 */
export function describeStoreConformance(name: string, engine: StoreEngine | undefined): void {
  describe.skipIf(engine === undefined)(`${name} store conformance`, () => {
    const e = engine as StoreEngine
    const opened: KyselyStore[] = []
    const tables = new Set<string>()
    let tableNumber = 0
    const newTable = () => {
      const table = `sg_${process.pid}_${++tableNumber}`
      tables.add(table)
      return table
    }
    const open = (table = newTable(), options?: { maxValues?: number }) => {
      const store = e.open(table, options)
      opened.push(store)
      return store
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()))
      for (const table of tables) await e.dropTable(table)
      tables.clear()
    })
    afterAll(async () => {
      await e.end?.()
    })
    describeAlertStoreConformance(e)
    describeCompactionConformance(e)

    it.each(ANSWERS)('answers every stats figure as counting the rows in JS does, from $name', async ({ answer, exactTimes }) => {
      const store = open()
      const records = generateRecords(600, JAN_10, 10)
      await store.insertBatch(records)
      // Jan 12–16: a range inside the data, so rows on both sides are left out.
      const inRange = records.filter((r) => r.date >= Date.UTC(2026, 0, 12) && r.date < Date.UTC(2026, 0, 17))
      const expected = expectedStats(inRange)
      const stats = await answer(store, statsQuery('start=2026-01-12&end=2026-01-16'))

      expect(stats.hits).toBe(expected.hits)
      expect(stats.hits).toBeGreaterThan(200)
      expect(stats.uniqueHits).toBe(expected.uniqueHits)
      expect(stats.errors).toBe(expected.errors)
      expect(stats.bytes).toBe(expected.bytes)
      expect(stats.responseTime.avg).toBeCloseTo(expected.responseTime.avg as number, 9)
      expect(stats.responseTime.max).toBe(expected.responseTime.max)
      for (const percent of ['p50', 'p95', 'p99'] as const) expectTime(stats.responseTime[percent], expected.responseTime[percent], exactTimes)
      expect(stats.timeseries.map((point) => point.t.slice(0, 10))).toEqual(['2026-01-12', '2026-01-13', '2026-01-14', '2026-01-15', '2026-01-16'])
      for (const point of stats.timeseries) {
        const day = expected.buckets.get(point.t)
        expect(point).toMatchObject({ hits: day?.hits, uniqueHits: day?.uniqueHits, errors: day?.errors })
        for (const percent of ['p50ResponseTime', 'p95ResponseTime', 'p99ResponseTime'] as const) expectTime(point[percent], day?.[percent], exactTimes)
      }
      expect(new Map(stats.statusCodes.map((entry) => [entry.key, entry.count]))).toEqual(expected.statusCodes)
      expect(new Map(stats.methods.map((entry) => [entry.key, entry.count]))).toEqual(expected.methods)
      expect(new Map(stats.browsers.map((entry) => [entry.key, entry.count]))).toEqual(expected.browsers)
      expect(new Map(stats.platforms.map((entry) => [entry.key, entry.count]))).toEqual(expected.platforms)
      expect(new Map(stats.mimetypes.map((entry) => [entry.key, entry.count]))).toEqual(expected.mimetypes)
      expect(new Map(stats.referrers.map((entry) => [entry.key, entry.count]))).toEqual(expected.referrers)
      expect(new Map(stats.exceptions.map((entry) => [entry.key, entry.count]))).toEqual(expected.exceptions)
      expect(new Map(stats.routes.map((entry) => [entry.key, entry.count]))).toEqual(expected.routes)
      expect(stats.routes.map((entry) => entry.key)).toContain('/users/:id')
      expect(new Map(stats.instances.map((entry) => [entry.key, entry.count]))).toEqual(expected.instances)
      expect(new Map(stats.versions.map((entry) => [entry.key, entry.count]))).toEqual(expected.versions)
      expect(expected.versions.size).toBe(3)
      for (const [list, field] of [
        [stats.instances, 'instance'],
        [stats.versions, 'version'],
      ] as const) {
        for (const line of list) {
          const rows = inRange.filter((r) => r[field] === line.key)
          expect(line.errors).toBe(rows.filter((r) => r.status_code >= 500).length)
          expect(line.lastRequested).toBe(new Date(Math.max(...rows.map((r) => r.date))).toISOString())
          const times = rows.map((r) => r.response_time).filter((time): time is number => time !== null)
          expectTime(line.p95ResponseTime, percentileOf(times, 95), exactTimes)
        }
      }
      for (const route of stats.routes) {
        const rows = inRange.filter((r) => r.route === route.key)
        expect(route.uniqueHits).toBe(new Set(rows.map((r) => r.remote_address)).size)
        expect(route.errors).toBe(rows.filter((r) => r.status_code >= 500).length)
        const times = rows.map((r) => r.response_time).filter((time): time is number => time !== null)
        expectTime(route.p95ResponseTime, percentileOf(times, 95), exactTimes)
      }
      expect(stats.paths).toHaveLength(expected.paths.size)
      for (const path of stats.paths) {
        const want = expected.paths.get(path.key)
        expect(path).toMatchObject({ count: want?.count, errors: want?.errors, lastRequested: want?.lastRequested })
        // Rollups keep visitors and percentiles per route pattern, not per literal path.
        expect(path.uniqueHits).toBe(exactTimes ? want?.uniqueHits : null)
        expect(path.p95ResponseTime).toBe(exactTimes ? want?.p95ResponseTime : null)
        expect(path.avgResponseTime).toBeCloseTo(want?.avgResponseTime as number, 9)
      }
      // Every group fits in the default top 100: nothing is left out.
      expect(Object.values(stats.other).every((count) => count === 0)).toBe(true)
      const cut = await answer(store, statsQuery('start=2026-01-12&end=2026-01-16&top=2'))
      expect(cut.paths).toHaveLength(2)
      expect(cut.other.paths).toBe(expected.hits - cut.paths[0]!.count - cut.paths[1]!.count)
      expect(cut.other.exceptions).toBe([...expected.exceptions.values()].reduce((a, b) => a + b, 0) - cut.exceptions.reduce((a, e) => a + e.count, 0))
      // Breakdowns come sorted by count, a missing value after the named ones of the same count.
      const counts = stats.paths.map((path) => path.count)
      expect(counts).toEqual([...counts].sort((a, b) => b - a))
      for (const exception of stats.exceptions) {
        const rows = inRange.filter((r) => r.exception === exception.key)
        expect(exception.lastSeen).toBe(new Date(Math.max(...rows.map((r) => r.date))).toISOString())
        // Where: a place (route, else path) with the most of its requests.
        const counts = new Map<string, number>()
        for (const r of rows) counts.set(r.route ?? r.path, (counts.get(r.route ?? r.path) ?? 0) + 1)
        expect(counts.get(exception.where as string)).toBe(Math.max(...counts.values()))
      }
    })

    it('narrows every figure by path, route, method, status class, browser, platform and bot', async () => {
      const store = open()
      const records = generateRecords(400, JAN_10, 3, 7)
      await store.insertBatch(records)
      const cases: [string, (r: (typeof records)[number]) => boolean][] = [
        ['path=/café', (r) => r.path === '/café'],
        ['method=post', (r) => r.method === 'POST'],
        ['status=5xx', (r) => r.status_code >= 500],
        ['status=404', (r) => r.status_code === 404],
        ['browser=chrome 131.0', (r) => r.browser === 'chrome 131.0'],
        ['platform=macos', (r) => r.platform === 'macos'],
        ['bot=true', (r) => r.bot],
        ['bot=false', (r) => !r.bot],
        ['route=/users/:id', (r) => r.route === '/users/:id'],
        ['referrer=https://example.com/', (r) => r.referrer === 'https://example.com/'],
        ['exception=TypeError: x is undefined', (r) => r.exception === 'TypeError: x is undefined'],
        ['mimetype=application/json', (r) => r.mimetype === 'application/json'],
        ['instance=web-2', (r) => r.instance === 'web-2'],
        ['version=1.1.0', (r) => r.version === '1.1.0'],
      ]
      for (const [filter, keep] of cases) {
        const stats = await store.stats(statsQuery(`start=2026-01-10&end=2026-01-12&${filter}`))
        const expected = expectedStats(records.filter(keep))
        expect({ filter, hits: stats.hits, unique: stats.uniqueHits, p95: stats.responseTime.p95 }).toEqual({
          filter,
          hits: expected.hits,
          unique: expected.uniqueHits,
          p95: expected.responseTime.p95,
        })
      }
    })

    it('keeps when each version was first and last seen across writers, the notes of a range, and runtime samples', async () => {
      const table = newTable()
      const [one, two] = [open(table), open(table)]
      const at = (minute: number) => JAN_10 + minute * 60_000
      await one.insertBatch([record({ date: at(5), version: '1.0.0' }), record({ date: at(9), version: '1.0.0' }), record({ date: at(1), version: null })])
      await two.insertBatch([record({ date: at(2), version: '1.0.0' }), record({ date: at(30), version: '1.1.0' })])
      await one.insertBatch([record({ date: at(40), version: '1.0.0' }), record({ date: at(41), version: '1.1.0' })])
      // A batch sent again under its id counts once, here too.
      await two.insertBatch([record({ date: at(50), version: '1.1.0' })], { id: 'again' })
      await two.insertBatch([record({ date: at(50), version: '1.1.0' })], { id: 'again' })
      expect(await one.releases()).toEqual([
        { version: '1.0.0', firstSeen: new Date(at(2)).toISOString(), lastSeen: new Date(at(40)).toISOString(), hits: 4 },
        { version: '1.1.0', firstSeen: new Date(at(30)).toISOString(), lastSeen: new Date(at(50)).toISOString(), hits: 3 },
      ])

      await one.annotate(at(29), 'deploy <b>1.1.0</b> ✓')
      await two.annotate(at(90), 'later')
      await one.annotate(at(10), 'earlier')
      expect(await two.annotations(at(10), at(90))).toEqual([
        { at: new Date(at(10)).toISOString(), text: 'earlier' },
        { at: new Date(at(29)).toISOString(), text: 'deploy <b>1.1.0</b> ✓' },
      ])

      const sample = (instance: string, second: number, loopP99: number) => ({
        instance,
        at: JAN_10 + second * 1000,
        loopP50: 1,
        loopP99,
        heapUsed: 1000 + second,
        rss: 5000 + second,
        cpu: 10,
      })
      await one.insertRuntime([sample('a', 0, 5), sample('a', 10, 205), sample('b', 10, 4), sample('a', 70, 6)])
      // A sample written again (a retry) is skipped.
      await one.insertRuntime([sample('a', 70, 6)])
      const report = await two.runtime(JAN_10, JAN_10 + 3_600_000, 60_000)
      expect(report.points).toEqual([
        { instance: 'a', t: new Date(JAN_10).toISOString(), loopP50: 1, loopP99: 205, heapUsed: 1005, rss: 5010, cpu: 10 },
        { instance: 'a', t: new Date(JAN_10 + 60_000).toISOString(), loopP50: 1, loopP99: 6, heapUsed: 1070, rss: 5070, cpu: 10 },
        { instance: 'b', t: new Date(JAN_10).toISOString(), loopP50: 1, loopP99: 4, heapUsed: 1010, rss: 5010, cpu: 10 },
      ])
      expect(report.lastSamples).toEqual([
        { instance: 'a', at: new Date(JAN_10 + 70_000).toISOString() },
        { instance: 'b', at: new Date(JAN_10 + 10_000).toISOString() },
      ])
      // Pruning raw rows prunes the samples of the same past.
      await one.prune(JAN_10 + 60_000)
      expect((await one.runtime(JAN_10, JAN_10 + 3_600_000, 60_000)).points.map((point) => point.heapUsed)).toEqual([1070])
    })

    it('counts a row on the day of its UTC date, across midnight and month ends', async () => {
      const store = open()
      await store.insertBatch([
        record({ date: Date.UTC(2026, 0, 31, 23, 59, 59, 999) }),
        record({ date: Date.UTC(2026, 1, 1, 0, 0, 0, 0) }),
        record({ date: Date.UTC(2026, 1, 1, 23, 59, 59, 999) }),
        record({ date: Date.UTC(2026, 1, 2, 0, 0, 0, 0) }),
        record({ date: Date.UTC(2026, 1, 28, 23, 59, 59, 999) }),
        record({ date: Date.UTC(2026, 2, 1, 0, 0, 0, 0) }),
      ])
      expect((await store.stats(statsQuery('start=2026-01-31&end=2026-01-31'))).hits).toBe(1)
      expect((await store.stats(statsQuery('start=2026-02-01&end=2026-02-01'))).hits).toBe(2)
      expect((await store.stats(statsQuery('start=2026-01-31&end=2026-02-02'))).hits).toBe(4)
      const monthEnd = await store.stats(statsQuery('start=2026-02-28&end=2026-03-01&bucket=day'))
      expect(monthEnd.timeseries.map((point) => [point.t, point.hits])).toEqual([
        ['2026-02-28T00:00:00.000Z', 1],
        ['2026-03-01T00:00:00.000Z', 1],
      ])
      const rows = await store.requests(requestsQuery('start=2026-01-31&end=2026-01-31'))
      expect(rows.rows.map((row) => row.date)).toEqual(['2026-01-31T23:59:59.999Z'])
    })

    it.each(ANSWERS)('splits a long range by week (from Monday) and by month, each point as counted, from $name', async ({ answer, exactTimes }) => {
      const store = open()
      // Ten weeks from a Wednesday, across three month ends; the range cuts the first week and month.
      const records = generateRecords(900, Date.UTC(2026, 0, 28, 5), 70, 17)
      await store.insertBatch(records)
      for (const [search, bucket, points] of [
        ['start=2026-02-04&end=2026-04-10&bucket=week', 'week', 10],
        ['start=2026-01-29&end=2026-04-07&bucket=month', 'month', 4],
        ['from=2026-02-04T13:30Z&to=2026-03-18T07:15Z&bucket=week', 'week', 7],
      ] as const) {
        const query = statsQuery(search)
        const inRange = records.filter((r) => r.date >= query.range.from && r.date < query.range.to)
        const expected = expectedStats(inRange, bucket)
        const stats = await answer(store, query)
        expect({ hits: stats.hits, uniqueHits: stats.uniqueHits }).toEqual({ hits: inRange.length, uniqueHits: expected.uniqueHits })
        expect(stats.timeseries.map((point) => point.t)).toHaveLength(points)
        expect(stats.timeseries[0]?.t).toBe(pointStart(query.range.from, bucket))
        for (const point of stats.timeseries) {
          const want = expected.buckets.get(point.t)
          expect({ t: point.t, hits: point.hits, unique: point.uniqueHits, errors: point.errors }).toEqual({
            t: point.t,
            hits: want?.hits ?? 0,
            unique: want?.uniqueHits ?? 0,
            errors: want?.errors ?? 0,
          })
          expectTime(point.p95ResponseTime, want?.p95ResponseTime, exactTimes)
        }
      }
    })

    it.each(ANSWERS)('splits the time series by hour and by minute, each point as counted, from $name', async ({ answer, exactTimes }) => {
      const store = open()
      // Two hours around midnight UTC, dense enough for several rows per minute.
      const from = Date.UTC(2026, 0, 31, 23)
      const records = generateRecords(500, from, 2 / 24, 11)
      await store.insertBatch(records)
      for (const [search, bucket, points] of [
        ['from=2026-01-31T23:00Z&to=2026-02-01T01:00Z', 'minute', 120],
        ['from=2026-01-31T23:00Z&to=2026-02-01T01:00Z&bucket=hour', 'hour', 2],
        ['from=2026-01-31T23:30Z&to=2026-02-01T00:30Z', 'minute', 60],
        // Whole hours from hourly cells, the half hours at each edge from raw rows.
        ['from=2026-01-31T23:30Z&to=2026-02-01T00:45Z&bucket=hour', 'hour', 2],
        ['from=2026-01-31T23:10Z&to=2026-02-01T00:50Z&bucket=day', 'day', 2],
      ] as const) {
        const query = statsQuery(search)
        expect(query.bucket).toBe(bucket)
        const inRange = records.filter((r) => r.date >= query.range.from && r.date < query.range.to)
        const expected = expectedStats(inRange, bucket)
        const stats = await answer(store, query)
        expect(stats.hits).toBe(inRange.length)
        expect(stats.uniqueHits).toBe(new Set(inRange.map((r) => r.remote_address)).size)
        expect(stats.timeseries).toHaveLength(points)
        // The first point is the bucket the range starts in.
        expect(stats.timeseries[0]?.t).toBe(pointStart(query.range.from, bucket))
        for (const point of stats.timeseries) {
          const want = expected.buckets.get(point.t)
          expect({ t: point.t, hits: point.hits, unique: point.uniqueHits }).toEqual({ t: point.t, hits: want?.hits ?? 0, unique: want?.uniqueHits ?? 0 })
          expectTime(point.p50ResponseTime, want?.p50ResponseTime, exactTimes)
          expectTime(point.p99ResponseTime, want?.p99ResponseTime, exactTimes)
        }
      }
    })

    it.each(ANSWERS)('ranks paths over whole hours and the raw edges together, from $name', async ({ answer }) => {
      const store = open()
      const at = (hour: number, minute: number) => Date.UTC(2026, 0, 15, hour, minute)
      const hits = (path: string, count: number, date: number) => Array.from({ length: count }, () => record({ path, date }))
      // /edge is busiest, but only in the half hour at the range's start, which rollups leave to raw rows.
      await store.insertBatch([...hits('/a', 5, at(11, 10)), ...hits('/b', 4, at(12, 10)), ...hits('/c', 3, at(11, 20)), ...hits('/edge', 8, at(10, 40))])
      const stats = await answer(store, statsQuery('from=2026-01-15T10:30Z&to=2026-01-15T13:00Z&top=2'))
      expect(stats.paths.map((path) => [path.key, path.count])).toEqual([
        ['/edge', 8],
        ['/a', 5],
      ])
      expect(stats.other.paths).toBe(7)
    })

    it('counts rows without a response time (imported logs) but leaves them out of the times', async () => {
      const store = open()
      await store.insertBatch([
        record({ response_time: 10 }),
        record({ response_time: 30 }),
        record({ response_time: null }),
        record({ response_time: null, path: '/untimed' }),
      ])
      const stats = await store.stats(statsQuery('start=2026-01-15&end=2026-01-15'))
      expect(stats.hits).toBe(4)
      expect(stats.responseTime).toMatchObject({ avg: 20, max: 30 })
      expectTime(stats.responseTime.p50, 10, false)
      expectTime(stats.responseTime.p99, 30, false)
      expect((await store.statsFromRaw(statsQuery('start=2026-01-15&end=2026-01-15'))).responseTime).toEqual({ avg: 20, p50: 10, p95: 30, p99: 30, max: 30 })
      expect(stats.paths.find((p) => p.key === '/untimed')).toMatchObject({ count: 1, avgResponseTime: null, p95ResponseTime: null })
      const rows = await store.requests(requestsQuery('start=2026-01-15&end=2026-01-15&path=/untimed'))
      expect(rows.rows[0]?.response_time).toBeNull()
    })

    it('breaks ties the same way from rollups, from raw rows and filtered: count, then value by code point', async () => {
      const store = open()
      const day = Date.UTC(2026, 0, 15, 12)
      // Two values that UTF-16 order and code point order rank differently, tied with two plain ones.
      const values = ['/\u{1F600}', '/\uE000', '/b', '/B', '/a']
      await store.insertBatch(
        values.flatMap((path, i) =>
          Array.from({ length: i === 4 ? 3 : 2 }, (_, j) =>
            record({ path, browser: path.slice(1), exception: `E${path}`, status_code: 500, date: day + i * 10 + j }),
          ),
        ),
      )
      const expected = ['/a', '/B', '/b', '/\uE000', '/\u{1F600}']
      for (const search of ['start=2026-01-15&end=2026-01-15&bucket=day', 'start=2026-01-15&end=2026-01-15&bucket=day&method=GET']) {
        for (const answer of [await store.stats(statsQuery(search)), await store.statsFromRaw(statsQuery(search))]) {
          expect(answer.paths.map((path) => path.key)).toEqual(expected)
          expect(answer.browsers.map((browser) => browser.key)).toEqual(expected.map((path) => path.slice(1)))
          expect(answer.exceptions.map((exception) => exception.key)).toEqual(expected.map((path) => `E${path}`))
        }
        expect((await store.stats(statsQuery(`${search}&top=2`))).paths.map((path) => path.key)).toEqual(['/a', '/B'])
      }
    })

    it('never answers a percentile above the slowest request it summarises', async () => {
      const store = open()
      // One request per path, each time somewhere inside a histogram bin, where the bin's value may lie above it.
      const times = Array.from({ length: 40 }, (_, i) => 3 * 1.37 ** i + 0.001 * i)
      await store.insertBatch(times.map((time, i) => record({ path: `/p${i}`, response_time: time, date: Date.UTC(2026, 0, 15, 12) + i })))
      const stats = await store.stats(statsQuery('start=2026-01-15&end=2026-01-15&bucket=day'))
      for (const [i, time] of times.entries()) {
        const line = stats.paths.find((path) => path.key === `/p${i}`)
        expect(line?.p95ResponseTime ?? 0).toBeLessThanOrEqual(time)
      }
      const { p50, p95, p99, max } = stats.responseTime
      for (const value of [p50, p95, p99]) expect(value ?? 0).toBeLessThanOrEqual(max ?? 0)
      for (const point of stats.timeseries) expect(point.p99ResponseTime ?? 0).toBeLessThanOrEqual(max ?? 0)
    })

    it('finds the values of a column that contain a text, case aside, wildcards as plain text, in the range and filters', async () => {
      const store = open()
      const day = Date.UTC(2026, 0, 15, 12)
      const at = (path: string, times: number, extra: Partial<RequestRecord> = {}) =>
        Array.from({ length: times }, (_, i) => record({ path, date: day + i, ...extra }))
      await store.insertBatch([
        ...at('/Users/1', 3),
        ...at('/users/2', 5),
        ...at('/users/3', 1, { method: 'POST' }),
        ...at('/100%_off', 2),
        ...at('/100 percent', 1),
        ...at('/users/old', 4, { date: Date.UTC(2026, 0, 2) }),
        ...at('/a!b', 1, { referrer: 'https://Example.com/x' }),
      ])
      const search = (params: string) =>
        store.search(parseSearchQuery(new URLSearchParams(`start=2026-01-15&end=2026-01-15&${params}`), { defaultDateSpan: 7 }))
      expect(await search('field=path&q=USERS')).toEqual([
        { key: '/users/2', count: 5 },
        { key: '/Users/1', count: 3 },
        { key: '/users/3', count: 1 },
      ])
      expect(await search('field=path&q=users&limit=1')).toEqual([{ key: '/users/2', count: 5 }])
      expect(await search('field=path&q=users&method=POST')).toEqual([{ key: '/users/3', count: 1 }])
      expect(await search('field=path&q=0%_')).toEqual([{ key: '/100%_off', count: 2 }])
      expect(await search('field=path&q=!')).toEqual([{ key: '/a!b', count: 1 }])
      expect(await search('field=referrer&q=example.COM')).toEqual([{ key: 'https://Example.com/x', count: 1 }])
      expect(await search('field=path&q=nothing-like-it')).toEqual([])
    })

    it('answers an empty range with zeros and nulls, not errors', async () => {
      const store = open()
      const stats = await store.stats(statsQuery('start=2026-03-01&end=2026-03-02&bucket=day'))
      expect(stats).toMatchObject({ hits: 0, uniqueHits: 0, errors: 0, bytes: 0, paths: [], routes: [], exceptions: [] })
      expect(stats.responseTime).toEqual({ avg: null, p50: null, p95: null, p99: null, max: null })
      expect(stats.timeseries).toHaveLength(2)
      expect(await store.requests(requestsQuery('start=2026-03-01&end=2026-03-02'))).toEqual({ total: 0, rows: [] })
    })

    it('lists raw rows newest first, paged, with their total, every field as it was written', async () => {
      const store = open()
      const records = generateRecords(50, JAN_10, 2, 3)
      await store.insertBatch(records)
      const first = await store.requests(requestsQuery('start=2026-01-10&end=2026-01-11&limit=20'))
      const second = await store.requests(requestsQuery('start=2026-01-10&end=2026-01-11&limit=20&offset=20'))
      expect(first.total).toBe(50)
      expect(second.rows).toHaveLength(20)
      const dates = [...first.rows, ...second.rows].map((row) => row.date)
      expect(dates).toEqual([...dates].sort().reverse())
      const newest = records.reduce((a, b) => (a.date >= b.date ? a : b))
      expect(first.rows[0]).toEqual({ ...newest, index: expect.any(Number), date: new Date(newest.date).toISOString() })
      const filtered = await store.requests(requestsQuery('start=2026-01-10&end=2026-01-11&status=5xx'))
      expect(filtered.total).toBe(records.filter((r) => r.status_code >= 500).length)
    })

    it('reads every row of a view a page at a time after the last one, in the order the table view lists them', async () => {
      const store = open()
      const records = generateRecords(230, JAN_10, 2, 13)
      // Rows sharing one instant: the cursor must tell them apart by row id.
      const tied = records.slice(0, 40).map((record) => ({ ...record, date: records[0]?.date as number }))
      await store.insertBatch([...tied, ...records.slice(40)])
      const query = requestsQuery('start=2026-01-10&end=2026-01-11&limit=1000')
      const listed = (await store.requests(query)).rows
      const paged = []
      for (let page = await store.requestsAfter(query, undefined, 17); page.length > 0; page = await store.requestsAfter(query, page.at(-1), 17)) {
        expect(page.length).toBeLessThanOrEqual(17)
        paged.push(...page)
      }
      expect(listed).toHaveLength(230)
      expect(paged).toEqual(listed)
      const errors = requestsQuery('start=2026-01-10&end=2026-01-11&status=5xx')
      const firstErrors = await store.requestsAfter(errors, undefined, 1000)
      expect(firstErrors.map((row) => row.index)).toEqual((await store.requests({ ...errors, limit: 1000 })).rows.map((row) => row.index))
    })

    it('pages rows written with microseconds (as Flask-Statgraph writes them) without skipping or repeating one', async () => {
      const table = newTable()
      const store = open(table)
      await store.migrate()
      // Dates within one millisecond, in an order that is not the rows' ids'.
      const micros = ['123400', '123900', '123100', '123900', '122000', '124000']
      for (const [i, micro] of micros.entries()) {
        await e.run(`insert into ${table} (response_time, date, method, size, status_code, path, user_agent, remote_address)
          values (${i + 1}, '2026-01-10 10:00:00.${micro}', 'GET', 10, 200, '/flask/${i}', 'curl/8.0', '198.51.100.7')`)
      }
      const query = requestsQuery('start=2026-01-10&end=2026-01-10&limit=1000')
      const listed = (await store.requests(query)).rows
      expect(listed).toHaveLength(micros.length)
      for (const size of [1, 2]) {
        const paged = []
        for (let page = await store.requestsAfter(query, undefined, size); page.length > 0; page = await store.requestsAfter(query, page.at(-1), size)) {
          paged.push(...page)
        }
        expect(paged.map((row) => row.path)).toEqual(listed.map((row) => row.path))
      }
    })

    it('keeps unicode and very long values intact', async () => {
      const store = open()
      const values = {
        path: `/ünïcödé/日本語/😀/${'p'.repeat(2000)}`,
        referrer: `https://example.com/${'r'.repeat(2000)}`,
        user_agent: `Mozilla/5.0 ${'ü'.repeat(500)}`,
        exception: `Error: ${'e😀'.repeat(2000)}`,
        route: '/ünïcödé/:name',
      }
      await store.insertBatch([record(values), record({ path: '/A' }), record({ path: '/a' })])
      const page = await store.requests(requestsQuery('start=2026-01-15&end=2026-01-15'))
      expect(page.rows.find((row) => row.exception !== null)).toMatchObject(values)
      const stats = await store.stats(statsQuery('start=2026-01-15&end=2026-01-15'))
      // Case and accents make different paths; rollups keep 512 characters of a path (the raw row all of it).
      expect(new Set(stats.paths.map((p) => p.key))).toEqual(new Set([`${values.path.slice(0, 511)}…`, '/A', '/a']))
      expect(stats.exceptions.map((entry) => entry.key)).toEqual([values.exception])
    })

    it('prunes raw rows older than an instant and keeps the rest; their rollups stay until pruned', async () => {
      const store = open()
      await store.insertBatch([
        record({ date: Date.UTC(2026, 0, 1) }),
        record({ date: Date.UTC(2026, 0, 1, 23, 59, 59, 999) }),
        record({ date: Date.UTC(2026, 0, 2) }),
        record({ date: Date.UTC(2026, 0, 3) }),
      ])
      const range = statsQuery('start=2026-01-01&end=2026-01-03&bucket=day')
      expect(await store.prune(Date.UTC(2026, 0, 2))).toBe(2)
      expect((await store.requests(requestsQuery('start=2026-01-01&end=2026-01-03'))).total).toBe(2)
      expect((await store.statsFromRaw(range)).hits).toBe(2)
      // The dashboard keeps showing history from rollups once raw rows are gone.
      expect((await store.stats(range)).hits).toBe(4)
      expect(await store.prune(Date.UTC(2026, 0, 2))).toBe(0)
      // Rollups go by whole buckets: Jan 1's day and its hours.
      expect(await store.pruneRollups(Date.UTC(2026, 0, 2))).toBeGreaterThan(0)
      const after = await store.stats(range)
      expect(after.hits).toBe(2)
      expect(after.timeseries.map((point) => point.hits)).toEqual([0, 1, 1])
    })

    it('answers a range whose edge hours lost raw rows from their whole hours, and says so', async () => {
      const store = open()
      const at = (hour: number, minute: number) => Date.UTC(2026, 0, 5, hour, minute)
      // Two requests in each quarter of 10:00–13:00.
      await store.insertBatch(
        [10, 11, 12].flatMap((hour) => [0, 15, 30, 45].flatMap((minute) => [record({ date: at(hour, minute) }), record({ date: at(hour, minute + 1) })])),
      )
      const range = (from: string, to: string) => statsQuery(`from=2026-01-05T${from}:00Z&to=2026-01-05T${to}:00Z&bucket=hour`)
      // Intact, a range from 10:20 to 12:20 counts its rows exactly and widens nothing.
      const intact = await store.stats(range('10:20', '12:20'))
      expect(intact.hits).toBe(16)
      expect(intact.widened).toBeUndefined()
      // Raw rows before 10:40 and all of 10:00–11:00 and 12:00–13:00 pruned ... by pruning before 12:40.
      await store.prune(at(12, 40))
      const widened = await store.stats(range('10:20', '12:20'))
      expect(widened).toMatchObject({ hits: 24, widened: { from: '2026-01-05T10:00:00.000Z', to: '2026-01-05T13:00:00.000Z' } })
      expect(widened.timeseries.map((point) => point.hits)).toEqual([8, 8, 8])
      // An edge in an hour pruned in part (12:40 cut it) is widened; one in an intact hour is not.
      expect((await store.stats(range('11:00', '12:50'))).widened).toEqual({ from: '2026-01-05T11:00:00.000Z', to: '2026-01-05T13:00:00.000Z' })
      await store.insertBatch([record({ date: at(14, 10) }), record({ date: at(14, 50) })])
      const later = await store.stats(range('12:20', '14:30'))
      expect(later).toMatchObject({ hits: 9, widened: { from: '2026-01-05T12:00:00.000Z', to: '2026-01-05T14:30:00.000Z' } })
      expect((await store.stats(range('13:00', '14:30'))).widened).toBeUndefined()
    })

    it('counts unique visitors exactly up to 20,000, and never fewer as a range grows at either end', async () => {
      const store = open()
      // Hour k has 1,400 visitors of its own and 100 who come every hour: 100 + 1,400·k in k hours.
      const hour = (k: number) => Date.UTC(2026, 0, 20, 0) + k * 3_600_000
      const HOURS = 16
      for (let k = 0; k < HOURS; k++) {
        await store.insertBatch(
          Array.from({ length: 1500 }, (_, i) =>
            record({ date: hour(k) + i * 2000, remote_address: i < 100 ? `192.0.2.${i}` : `10.${k}.${Math.floor(i / 250)}.${i % 250}` }),
          ),
        )
      }
      const truth = (hours: number) => 100 + 1400 * hours
      const counted = async (from: number, to: number) =>
        (await store.stats(statsQuery(`from=${new Date(hour(from)).toISOString()}&to=${new Date(hour(to)).toISOString()}&bucket=hour`))).uniqueHits
      for (const grow of ['end', 'start'] as const) {
        const figures: number[] = []
        for (let hours = 1; hours <= HOURS; hours++) figures.push(await (grow === 'end' ? counted(0, hours) : counted(HOURS - hours, HOURS)))
        for (const [i, figure] of figures.entries()) {
          const hours = i + 1
          if (truth(hours) <= 20_000) expect({ grow, hours, figure }).toEqual({ grow, hours, figure: truth(hours) })
          else {
            expect(figure).toBeGreaterThan(20_000)
            expect(Math.abs(figure - truth(hours)) / truth(hours)).toBeLessThan(0.1)
          }
          if (i > 0) expect(figure, `${hours} hours, grown at the ${grow}`).toBeGreaterThanOrEqual(figures[i - 1] as number)
        }
      }
    }, 120_000)

    it('prunes both grains of rollups at the same whole day, so a day never tells two totals', async () => {
      const store = open()
      await store.insertBatch([
        record({ date: Date.UTC(2026, 0, 1, 10) }),
        record({ date: Date.UTC(2026, 0, 1, 14) }),
        record({ date: Date.UTC(2026, 0, 2, 1) }),
      ])
      await store.prune(Date.UTC(2026, 0, 3))
      // A cutoff in the middle of Jan 1: its hours and its day go together, or stay together.
      await store.pruneRollups(Date.UTC(2026, 0, 1, 12))
      const byHour = await store.stats(statsQuery('start=2026-01-01&end=2026-01-01&bucket=hour'))
      const byDay = await store.stats(statsQuery('start=2026-01-01&end=2026-01-01&bucket=day'))
      expect(byHour.timeseries.reduce((sum, point) => sum + point.hits, 0)).toBe(byDay.hits)
      expect([byHour.hits, byDay.hits]).toEqual([2, 2])
    })

    it('writes a batch larger than one INSERT, and a batch all or nothing', async () => {
      const table = newTable()
      const store = open(table)
      await store.insertBatch(Array.from({ length: 2500 }, (_, i) => record({ size: i })))
      expect(await e.countRows(table)).toBe(2500)
      // The bad row sits past the first INSERT, so that one ran before the failure.
      const batch = Array.from({ length: 1500 }, () => record())
      batch[1400] = record({ size: {} as unknown as number })
      await expect(store.insertBatch(batch)).rejects.toThrow()
      expect(await e.countRows(table)).toBe(2500)
    })

    it('uses the table name it is given, and migrates once: reopening keeps the rows', async () => {
      const table = newTable()
      const first = open(table)
      await first.insertBatch([record(), record()])
      await first.close()
      const second = open(table)
      await second.migrate()
      await second.insertBatch([record()])
      expect(await e.countRows(table)).toBe(3)
      expect((await second.stats(statsQuery('start=2026-01-15&end=2026-01-15'))).hits).toBe(3)
    })

    it('streams every row of a range page by page, and tells whether its table exists', async () => {
      const table = newTable()
      const store = open(table)
      expect(await store.exists()).toBe(false)
      const records = generateRecords(1234, JAN_10, 3, 5)
      await store.insertBatch(records)
      expect(await store.exists()).toBe(true)
      const query = requestsQuery('start=2026-01-11&end=2026-01-11&bot=false')
      const pages: number[] = []
      const streamed: string[] = []
      for await (const page of store.eachPage(query, 100)) {
        pages.push(page.length)
        streamed.push(...page.map((row) => `${row.date} ${row.size}`))
      }
      const expected = records.filter((r) => r.date >= query.range.from && r.date < query.range.to && !r.bot)
      expect(streamed.sort()).toEqual(expected.map((r) => `${new Date(r.date).toISOString()} ${r.size}`).sort())
      expect(pages.slice(0, -1).every((size) => size === 100)).toBe(true)
    })

    it('advances the import ledger in each batch’s transaction, and rolls back an import racing another', async () => {
      const table = newTable()
      const store = open(table)
      const head = 'a'.repeat(64)
      expect(await store.importedContents(head)).toEqual([])
      const first = { id: head, head, from: 0, to: 3, prefix: 'b'.repeat(64), source: '/var/log/nginx/access.log' }
      await store.insertBatch([record()], { imported: first })
      expect(await store.importedContents(head)).toMatchObject([{ id: head, lines: 3, prefix: 'b'.repeat(64), source: first.source }])
      // Another import that read the same log from its start, or from a point since passed, is refused whole.
      await expect(store.insertBatch([record()], { imported: first })).rejects.toMatchObject({ code: 'STATGRAPH_IMPORT_CONFLICT' })
      await expect(store.insertBatch([record()], { imported: { ...first, from: 2, to: 5 } })).rejects.toMatchObject({ code: 'STATGRAPH_IMPORT_CONFLICT' })
      expect(await e.countRows(table)).toBe(1)
      await store.insertBatch([record(), record()], { imported: { ...first, from: 3, to: 5, prefix: 'c'.repeat(64) } })
      expect(await e.countRows(table)).toBe(3)
      expect(await store.importedContents(head)).toMatchObject([{ lines: 5, prefix: 'c'.repeat(64) }])
      expect(await store.importedContents('d'.repeat(64))).toEqual([])
    })

    it('completes a migration that was applied but not recorded, as a lost connection leaves one on MySQL', async () => {
      const table = newTable()
      const first = open(table)
      await first.insertBatch([record()])
      await first.close()
      // Every step after the first ran, but none was written down.
      await e.run(`delete from ${table}_statgraph_migration where name <> '0001_create_request_table'`)
      const second = open(table)
      await second.insertBatch([record({ route: '/again', bot: true })])
      expect(await e.countRows(table)).toBe(2)
      expect((await second.stats(statsQuery('start=2026-01-15&end=2026-01-15&route=/again'))).hits).toBe(1)
    })

    it('loses nothing with four instances migrating and writing one table at once', async () => {
      const table = newTable()
      const stores = Array.from({ length: 4 }, () => open(table))
      await Promise.all(stores.map((store) => store.migrate()))
      // Every row has its own size, so the sum tells a lost or doubled row.
      const batches = stores.map((_, instance) =>
        Array.from({ length: 5 }, (_, batch) => Array.from({ length: 100 }, (_, i) => record({ size: instance * 1000 + batch * 100 + i }))),
      )
      await Promise.all(
        stores.map(async (store, instance) => {
          for (const batch of batches[instance] ?? []) await store.insertBatch(batch)
        }),
      )
      expect(await e.countRows(table)).toBe(2000)
      const stats = await stores[0]?.stats(statsQuery('start=2026-01-15&end=2026-01-15'))
      expect(stats?.hits).toBe(2000)
      expect(stats?.bytes).toBe(batches.flat(2).reduce((sum, r) => sum + r.size, 0))
    })

    /** Checks an answer from rollups against counting `records` in JS: totals, points, routes, status codes. */
    const expectExact = async (store: KyselyStore, search: string, records: RequestRecord[], bucket: 'day' | 'hour') => {
      const stats = await store.stats(statsQuery(search))
      const expected = expectedStats(records, bucket)
      expect(stats).toMatchObject({ hits: expected.hits, uniqueHits: expected.uniqueHits, errors: expected.errors, bytes: expected.bytes })
      expect(stats.responseTime.max).toBe(expected.responseTime.max)
      expectTime(stats.responseTime.p95, expected.responseTime.p95, false)
      for (const point of stats.timeseries) {
        const want = expected.buckets.get(point.t)
        expect(point).toMatchObject({ hits: want?.hits ?? 0, uniqueHits: want?.uniqueHits ?? 0, errors: want?.errors ?? 0 })
      }
      expect(new Map(stats.statusCodes.map((entry) => [entry.key, entry.count]))).toEqual(expected.statusCodes)
      expect(new Map(stats.paths.map((entry) => [entry.key, entry.count]))).toEqual(new Map([...expected.paths].map(([key, path]) => [key, path.count])))
      for (const route of stats.routes) {
        const rows = records.filter((r) => r.route === route.key)
        expect(route).toMatchObject({ count: rows.length, uniqueHits: new Set(rows.map((r) => r.remote_address)).size })
        expectTime(
          route.p95ResponseTime,
          percentileOf(
            rows.flatMap((r) => (r.response_time === null ? [] : [r.response_time])),
            95,
          ),
          false,
        )
      }
    }

    it('counts exactly with four writers sharing buckets, visitors and routes, and writes a batch sent again under its id once', async () => {
      const table = newTable()
      const stores = Array.from({ length: 4 }, () => open(table))
      const records = generateRecords(800, JAN_10, 10, 7)
      let writing = true
      await Promise.all([
        ...stores.map(async (store, writer) => {
          const mine = records.filter((_, i) => i % 4 === writer)
          for (let b = 0; b < mine.length; b += 50) {
            const batch = mine.slice(b, b + 50)
            const id = `w${writer}-${b}`
            // Sent twice at once, then again as a retry after a lost answer would be: stored once.
            await Promise.all([store.insertBatch(batch, { id }), store.insertBatch(batch, { id })])
            await store.insertBatch(batch, { id })
          }
        }),
        // Days sealed while the writers write to them.
        (async () => {
          while (writing) {
            await stores[3]?.sealDays()
            await new Promise((resolve) => setTimeout(resolve, 10))
          }
        })(),
        Promise.all(stores.map((store) => store.migrate()))
          .then(() => new Promise((resolve) => setTimeout(resolve, 200)))
          .then(() => (writing = false)),
      ])
      expect(await e.countRows(table)).toBe(800)
      const inRange = (from: number, to: number) => records.filter((r) => r.date >= from && r.date < to)
      await expectExact(stores[0] as KyselyStore, 'start=2026-01-12&end=2026-01-16', inRange(Date.UTC(2026, 0, 12), Date.UTC(2026, 0, 17)), 'day')
      await expectExact(stores[1] as KyselyStore, 'from=2026-01-13T00:00Z&to=2026-01-15T00:00Z', inRange(Date.UTC(2026, 0, 13), Date.UTC(2026, 0, 15)), 'hour')
    })

    it('keeps at most its bound of values per group and bucket, the busiest exact, the tail folded with exact totals', async () => {
      const table = newTable()
      const store = open(table)
      const random = seededRandom(99)
      const token = () => Math.floor(random() * 2 ** 52).toString(36)
      // 100,000 requests over three hours of Jan 10: a scanner's distinct paths, referrers and user
      // agents, a busy page among them, sent in batches.
      const requests = Array.from({ length: 100_000 }, (_, i) =>
        record({
          date: JAN_10 + Math.floor((i / 100_000) * 3 * 3_600_000),
          path: i % 10 === 0 ? '/busy' : `/scan/${token()}`,
          referrer: `https://${token()}.example/`,
          user_agent: `scanner ${token()}`,
          exception: i % 7 === 0 ? `Error: ${token()}` : null,
          status_code: i % 7 === 0 ? 500 : i % 3 === 0 ? 404 : 200,
        }),
      )
      for (let i = 0; i < requests.length; i += 5000) await store.insertBatch(requests.slice(i, i + 5000))
      await store.sealDays(Date.UTC(2026, 0, 12))
      const cells = sql.table(`${table}_statgraph_cell`)
      const { rows } = await sql<{ grain: number | string; dim: string; bucket: number | string; n: number | string; hits: number | string }>`
        select grain, dim, bucket, count(distinct kh) as n, sum(hits) as hits from ${cells} group by grain, dim, bucket`.execute(e.kysely)
      // Three hours and their day, every group: at most 1000 values and the folded tail; every request counted once.
      for (const row of rows) {
        expect(Number(row.n), `${row.dim} ${row.grain}`).toBeLessThanOrEqual(1001)
        if (Number(row.grain) === 24 && ['all', 'path', 'referrer', 'status', 'method'].includes(row.dim)) expect(Number(row.hits)).toBe(100_000)
      }
      expect(rows.filter((row) => row.dim === 'path').map((row) => Number(row.n))).toContain(1001)
      const perGrain = (dim: string, grain: number) =>
        rows.filter((row) => row.dim === dim && Number(row.grain) === grain).reduce((sum, row) => sum + Number(row.hits), 0)
      expect([perGrain('path', 1), perGrain('path', 24), perGrain('referrer', 1), perGrain('exception', 24)]).toEqual([
        100_000,
        100_000,
        100_000,
        requests.filter((r) => r.exception !== null).length,
      ])
      const day = await store.stats(statsQuery('start=2026-01-10&end=2026-01-10'))
      const exact = await store.statsFromRaw(statsQuery('start=2026-01-10&end=2026-01-10'))
      expect([day.hits, day.errors, day.bytes]).toEqual([100_000, exact.errors, exact.bytes])
      expect(day.statusCodes).toEqual(exact.statusCodes)
      expect(day.paths[0]).toMatchObject({ key: '/busy', count: 10_000 })
      const listed = (list: readonly { count: number }[]) => list.reduce((sum, entry) => sum + entry.count, 0)
      expect(listed(day.paths) + day.other.paths).toBe(100_000)
      expect(listed(day.referrers) + day.other.referrers).toBe(100_000)
      expect(listed(day.exceptions) + day.other.exceptions).toBe(exact.errors)
      expect(listed(exact.exceptions) + exact.other.exceptions).toBe(exact.errors)
    }, 120_000)

    it('seals a day from its hours, answers the same before and after, and counts late requests to a sealed day', async () => {
      const table = newTable()
      const store = open(table)
      const first = generateRecords(400, JAN_10, 5, 11)
      await store.insertBatch(first)
      await expectExact(store, 'start=2026-01-10&end=2026-01-14', first, 'day')
      // Sealing may have begun beside the write; every day is sealed once, whoever does it.
      await store.sealDays()
      expect(await store.sealDays()).toBe(0)
      const { rows } = await sql<{
        n: number | string
      }>`select count(*) as n from ${sql.table(`${table}_statgraph_day`)} where sealed = ${sql.lit(true)}`.execute(e.kysely)
      expect(Number(rows[0]?.n)).toBe(5)
      await expectExact(store, 'start=2026-01-10&end=2026-01-14', first, 'day')
      // Late requests for sealed days: their writer adds the daily cells itself.
      const late = generateRecords(200, JAN_10, 5, 12)
      await open(table).insertBatch(late)
      await expectExact(store, 'start=2026-01-10&end=2026-01-14', [...first, ...late], 'day')
      await expectExact(
        store,
        'from=2026-01-11T00:00Z&to=2026-01-13T00:00Z',
        [...first, ...late].filter((r) => r.date >= Date.UTC(2026, 0, 11) && r.date < Date.UTC(2026, 0, 13)),
        'hour',
      )
      // Hourly points over parts of two days and two whole ones: sums from the whole days' cells.
      await expectExact(
        store,
        'from=2026-01-10T15:00Z&to=2026-01-13T09:30Z',
        [...first, ...late].filter((r) => r.date >= Date.UTC(2026, 0, 10, 15) && r.date < Date.UTC(2026, 0, 13, 9, 30)),
        'hour',
      )
    })

    it('sums sealed days into blocks, reads around a day with a late request, and prunes a block begun before the cutoff', async () => {
      const table = newTable()
      const store = open(table)
      const records = generateRecords(1200, Date.UTC(2026, 0, 5), 24, 21)
      await store.insertBatch(records)
      await store.sealDays()
      await store.sealDays()
      const blocks = async () => {
        const { rows } = await sql<{
          grain: number | string
          bucket: number | string
        }>`select distinct grain, bucket from ${sql.table(`${table}_statgraph_cell`)}
          where grain > 24 order by grain, bucket`.execute(e.kysely)
        return rows.map((row) => `${Number(row.grain) / 24}d ${new Date(Number(row.bucket) * 3_600_000).toISOString().slice(0, 10)}`)
      }
      // Jan 5–28 is days 20,458–20,481 since the epoch; a block of n days starts on a multiple of n.
      const summed = await blocks()
      expect(summed).toEqual(
        expect.arrayContaining(['2d 2026-01-05', '2d 2026-01-27', '4d 2026-01-07', '4d 2026-01-23', '8d 2026-01-11', '8d 2026-01-19', '16d 2026-01-11']),
      )
      expect(summed).toHaveLength(12 + 5 + 2 + 1)
      const between = (rows: RequestRecord[], from: number, to: number) => rows.filter((r) => r.date >= from && r.date < to)
      await expectExact(store, 'start=2026-01-06&end=2026-01-27', between(records, Date.UTC(2026, 0, 6), Date.UTC(2026, 0, 28)), 'day')
      // A late request to Jan 16: the blocks around it are read from their days from then on.
      const late = generateRecords(100, Date.UTC(2026, 0, 16), 1, 22)
      await open(table).insertBatch(late)
      await store.sealDays()
      const all = [...records, ...late]
      await expectExact(store, 'start=2026-01-06&end=2026-01-27', between(all, Date.UTC(2026, 0, 6), Date.UTC(2026, 0, 28)), 'day')
      // Rollups pruned before Jan 18: a block begun before goes whole, so no range counts pruned days.
      await store.pruneRollups(Date.UTC(2026, 0, 18))
      expect(await blocks()).toEqual([
        '2d 2026-01-19',
        '2d 2026-01-21',
        '2d 2026-01-23',
        '2d 2026-01-25',
        '2d 2026-01-27',
        '4d 2026-01-19',
        '4d 2026-01-23',
        '8d 2026-01-19',
      ])
      await expectExact(store, 'start=2026-01-11&end=2026-01-28', between(all, Date.UTC(2026, 0, 18), Date.UTC(2026, 0, 29)), 'day')
    })

    it('keeps values that differ only by trailing spaces apart: paths, referrers and client addresses', async () => {
      const store = open()
      await store.insertBatch([
        record({ path: '/a', remote_address: '192.0.2.1' }),
        record({ path: '/a ', remote_address: '192.0.2.1 ', referrer: 'https://example.com/ ' }),
        record({ path: '/a ', remote_address: '192.0.2.1 ', referrer: 'https://example.com/' }),
      ])
      for (const { answer } of ANSWERS) {
        const stats = await answer(store, statsQuery('start=2026-01-15&end=2026-01-15'))
        expect(stats.uniqueHits).toBe(2)
        expect(new Map(stats.paths.map((entry) => [entry.key, entry.count]))).toEqual(
          new Map([
            ['/a ', 2],
            ['/a', 1],
          ]),
        )
        expect(stats.referrers).toHaveLength(3)
      }
      expect((await store.stats(statsQuery('start=2026-01-15&end=2026-01-15&path=/a'))).hits).toBe(1)
    })

    it('upgrades a table of the previous version in place, rows and rollups, with four instances starting at once', async () => {
      const table = newTable()
      const before = generateRecords(600, JAN_10, 10, 3)
      await makeVersion5Table(e.kysely, table, e.flavor, before)
      // Raw rows before Jan 12 were pruned while their rollups stayed: the upgrade must carry the
      // rollups over, since the raw rows cannot rebuild them.
      await sql`delete from ${sql.table(table)} where date < ${e.flavor.toDate(Date.UTC(2026, 0, 12))}`.execute(e.kysely)
      const kept = before.filter((r) => r.date >= Date.UTC(2026, 0, 12)).length
      const stores = Array.from({ length: 4 }, () => open(table))
      const after = generateRecords(400, JAN_10, 10, 4)
      await Promise.all(stores.map((store, i) => store.insertBatch(after.filter((_, j) => j % 4 === i))))
      expect(await e.countRows(table)).toBe(kept + 400)
      await expectExact(stores[2] as KyselyStore, 'start=2026-01-10&end=2026-01-19', [...before, ...after], 'day')
      const names = (await e.kysely.introspection.getTables()).map((found) => found.name)
      expect(names).not.toContain(`${table}_rollup`)
      expect(names).not.toContain(`${table}_statgraph_lock`)
    })
  })
}
