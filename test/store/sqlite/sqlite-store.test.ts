import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { parseRequestsQuery } from '../../../src/stats/requests-query.js'
import { parseStatsQuery } from '../../../src/stats/stats-query.js'
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js'
import { expectedStats } from '../../helpers/expected-stats.js'
import { generateRecords, record } from '../../helpers/records.js'
import { tempDir } from '../../helpers/temp-dir.js'

const dir = tempDir()
let fileNumber = 0
const stores: SqliteStore[] = []
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()))
})

function newFile(): string {
  return join(dir, `store-${++fileNumber}.db`)
}
function openStore(database: string = newFile(), table?: string): SqliteStore {
  const store = new SqliteStore({ database, table })
  stores.push(store)
  return store
}
function statsQuery(search: string) {
  return parseStatsQuery(new URLSearchParams(search), { defaultDateSpan: 7 })
}

const JAN_10 = Date.UTC(2026, 0, 10)

describe('SqliteStore', () => {
  it('answers every stats figure exactly as counting the rows in JS does', async () => {
    const store = openStore()
    const records = generateRecords(600, JAN_10, 10)
    await store.insertBatch(records)
    // Jan 12–16: a range inside the data, so rows on both sides are left out.
    const inRange = records.filter((r) => r.date >= Date.UTC(2026, 0, 12) && r.date < Date.UTC(2026, 0, 17))
    const expected = expectedStats(inRange)
    const stats = await store.stats(statsQuery('start=2026-01-12&end=2026-01-16'))

    expect(stats.hits).toBe(expected.hits)
    expect(stats.hits).toBeGreaterThan(200)
    expect(stats.uniqueHits).toBe(expected.uniqueHits)
    expect(stats.errors).toBe(expected.errors)
    expect(stats.bytes).toBe(expected.bytes)
    expect(stats.responseTime.avg).toBeCloseTo(expected.responseTime.avg as number, 9)
    expect(stats.responseTime).toMatchObject({
      p50: expected.responseTime.p50,
      p95: expected.responseTime.p95,
      p99: expected.responseTime.p99,
      max: expected.responseTime.max,
    })
    expect(stats.timeseries.map((point) => point.t.slice(0, 10))).toEqual([
      '2026-01-12', '2026-01-13', '2026-01-14', '2026-01-15', '2026-01-16',
    ])
    for (const point of stats.timeseries) {
      const day = expected.days.get(point.t.slice(0, 10))
      expect(point).toMatchObject({ hits: day?.hits, uniqueHits: day?.uniqueHits, errors: day?.errors, p95ResponseTime: day?.p95ResponseTime })
    }
    expect(new Map(stats.statusCodes.map((e) => [e.key, e.count]))).toEqual(expected.statusCodes)
    expect(new Map(stats.methods.map((e) => [e.key, e.count]))).toEqual(expected.methods)
    expect(new Map(stats.browsers.map((e) => [e.key, e.count]))).toEqual(expected.browsers)
    expect(new Map(stats.referrers.map((e) => [e.key, e.count]))).toEqual(expected.referrers)
    expect(new Map(stats.exceptions.map((e) => [e.key, e.count]))).toEqual(expected.exceptions)
    expect(new Map(stats.routes.map((e) => [e.key, e.count]))).toEqual(expected.routes)
    expect(stats.routes.map((e) => e.key)).toContain('/users/:id')
    expect(stats.paths).toHaveLength(expected.paths.size)
    for (const path of stats.paths) {
      const want = expected.paths.get(path.key)
      expect(path).toMatchObject({
        count: want?.count,
        uniqueHits: want?.uniqueHits,
        errors: want?.errors,
        p95ResponseTime: want?.p95ResponseTime,
        lastRequested: want?.lastRequested,
      })
      expect(path.avgResponseTime).toBeCloseTo(want?.avgResponseTime as number, 9)
    }
    // Breakdowns come sorted by count.
    const counts = stats.paths.map((path) => path.count)
    expect(counts).toEqual([...counts].sort((a, b) => b - a))
  })

  it('narrows every figure by path, method, status class, browser and bot', async () => {
    const store = openStore()
    const records = generateRecords(400, JAN_10, 3, 7)
    await store.insertBatch(records)
    const cases: [string, (r: (typeof records)[number]) => boolean][] = [
      ['path=/café', (r) => r.path === '/café'],
      ['method=post', (r) => r.method === 'POST'],
      ['status=5xx', (r) => r.status_code >= 500],
      ['status=404', (r) => r.status_code === 404],
      ['browser=chrome 131.0', (r) => r.browser === 'chrome 131.0'],
      ['bot=true', (r) => r.bot],
      ['route=/users/:id', (r) => r.route === '/users/:id'],
    ]
    for (const [filter, keep] of cases) {
      const stats = await store.stats(statsQuery(`start=2026-01-10&end=2026-01-12&${filter}`))
      const expected = expectedStats(records.filter(keep))
      expect({ filter, hits: stats.hits, p95: stats.responseTime.p95 }).toEqual({ filter, hits: expected.hits, p95: expected.responseTime.p95 })
    }
  })

  it('counts a row on the day of its UTC date, across midnight and month ends', async () => {
    const store = openStore()
    await store.insertBatch([
      record({ date: Date.UTC(2026, 0, 31, 23, 59, 59, 999) }),
      record({ date: Date.UTC(2026, 1, 1, 0, 0, 0, 0) }),
      record({ date: Date.UTC(2026, 1, 1, 23, 59, 59, 999) }),
      record({ date: Date.UTC(2026, 1, 2, 0, 0, 0, 0) }),
    ])
    expect((await store.stats(statsQuery('start=2026-01-31&end=2026-01-31'))).hits).toBe(1)
    expect((await store.stats(statsQuery('start=2026-02-01&end=2026-02-01'))).hits).toBe(2)
    expect((await store.stats(statsQuery('start=2026-01-31&end=2026-02-02'))).hits).toBe(4)
  })

  it('answers an empty range with zeros and nulls, not errors', async () => {
    const store = openStore()
    const stats = await store.stats(statsQuery('start=2026-03-01&end=2026-03-02'))
    expect(stats).toMatchObject({ hits: 0, uniqueHits: 0, errors: 0, bytes: 0, paths: [], exceptions: [] })
    expect(stats.responseTime).toEqual({ avg: null, p50: null, p95: null, p99: null, max: null })
    expect(stats.timeseries).toHaveLength(2)
  })

  it('lists raw rows newest first, paged, with their total', async () => {
    const store = openStore()
    const records = generateRecords(50, JAN_10, 2, 3)
    await store.insertBatch(records)
    const query = (search: string) => parseRequestsQuery(new URLSearchParams(search), { defaultDateSpan: 7 })
    const first = await store.requests(query('start=2026-01-10&end=2026-01-11&limit=20'))
    const second = await store.requests(query('start=2026-01-10&end=2026-01-11&limit=20&offset=20'))
    expect(first.total).toBe(50)
    const dates = [...first.rows, ...second.rows].map((row) => row.date)
    expect(dates).toEqual([...dates].sort().reverse())
    const newest = records.reduce((a, b) => (a.date >= b.date ? a : b))
    expect(first.rows[0]).toMatchObject({ ...newest, date: new Date(newest.date).toISOString() })
    expect(typeof first.rows[0]?.index).toBe('number')
  })

  it('keeps unicode and very long values intact', async () => {
    const store = openStore()
    const long = `/${'x'.repeat(2000)}`
    await store.insertBatch([record({ path: '/ünïcödé/日本語/😀', referrer: long })])
    const page = await store.requests(parseRequestsQuery(new URLSearchParams('start=2026-01-15&end=2026-01-15'), { defaultDateSpan: 7 }))
    expect(page.rows[0]).toMatchObject({ path: '/ünïcödé/日本語/😀', referrer: long })
  })

  it('prunes rows older than a date and keeps the rest', async () => {
    const store = openStore()
    await store.insertBatch([record({ date: Date.UTC(2026, 0, 1) }), record({ date: Date.UTC(2026, 0, 2) }), record({ date: Date.UTC(2026, 0, 3) })])
    expect(await store.prune(Date.UTC(2026, 0, 2))).toBe(1)
    expect((await store.stats(statsQuery('start=2026-01-01&end=2026-01-03'))).hits).toBe(2)
  })

  it('writes a batch all or nothing', async () => {
    const store = openStore()
    await store.insertBatch([record()])
    // 1500 rows go in two INSERTs; a value SQLite cannot bind fails the second after the first ran.
    const batch = Array.from({ length: 1500 }, () => record())
    batch[1400] = record({ size: {} as unknown as number })
    await expect(store.insertBatch(batch)).rejects.toThrow()
    expect((await store.stats(statsQuery('start=2026-01-15&end=2026-01-15'))).hits).toBe(1)
  })

  it('uses the table name it is given', async () => {
    const file = newFile()
    const store = openStore(file, 'hits_log')
    await store.insertBatch([record()])
    await store.close()
    const db = new Database(file)
    expect(db.prepare('select count(*) as n from hits_log').get()).toEqual({ n: 1 })
    db.close()
  })

  it('upgrades a table made by Flask-Statgraph (or an older statgraph) without losing its rows', async () => {
    const file = newFile()
    const db = new Database(file)
    db.exec(`create table request ("index" integer primary key autoincrement, response_time float, date datetime,
      method varchar, size integer, status_code integer, path varchar, user_agent varchar, remote_address varchar,
      exception varchar, referrer varchar, browser varchar, platform varchar, mimetype varchar)`)
    db.prepare(`insert into request (response_time, date, method, size, status_code, path, user_agent, remote_address)
      values (3.5, '2026-01-15 10:00:00.000000', 'GET', 12, 200, '/old', 'ua', '192.0.2.1')`).run()
    db.close()

    const store = openStore(file)
    await store.migrate()
    await store.insertBatch([record({ path: '/new', bot: true })])
    const stats = await store.stats(statsQuery('start=2026-01-15&end=2026-01-15'))
    expect(new Map(stats.paths.map((p) => [p.key, p.count]))).toEqual(new Map([['/old', 1], ['/new', 1]]))
    const bots = await store.stats(statsQuery('start=2026-01-15&end=2026-01-15&bot=false'))
    expect(bots.paths.map((p) => p.key)).toEqual(['/old'])
    // Rows from before the route column have none.
    expect(stats.routes.map((r) => r.key)).toEqual([null])
  })

  it('migrates once: reopening a file keeps its rows and runs nothing twice', async () => {
    const file = newFile()
    const first = openStore(file)
    await first.insertBatch([record()])
    await first.close()
    const second = openStore(file)
    await second.migrate()
    expect((await second.stats(statsQuery('start=2026-01-15&end=2026-01-15'))).hits).toBe(1)
  })

  it('works on the app’s own better-sqlite3 database and Kysely instance, and leaves them open', async () => {
    const own = new Database(newFile())
    const store = new SqliteStore({ database: own })
    await store.insertBatch([record()])
    await store.close()
    expect(own.prepare('select count(*) as n from request').get()).toEqual({ n: 1 })

    const kysely = new Kysely<unknown>({ dialect: new SqliteDialect({ database: own }) })
    const viaKysely = new SqliteStore({ database: kysely, table: 'other' })
    await viaKysely.insertBatch([record(), record()])
    await viaKysely.close()
    expect(own.prepare('select count(*) as n from other').get()).toEqual({ n: 2 })
    own.close()
  })
})
