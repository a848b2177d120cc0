import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import type { KyselyStore } from '../../src/store/kysely/kysely-store.js'
import type { RequestRecord } from '../../src/record/request-record.js'
import type { StoreStats } from '../../src/stats/answer/stats.js'
import { statsQuery } from '../helpers/queries.js'
import { generateRecords } from '../helpers/records.js'
import type { StoreEngine } from './store-conformance.js'

const DAY = 86_400_000
const JAN_5 = Date.UTC(2026, 0, 5)
/** Ranges that cut days at hours and parts of hours, whole days, and a day's hours alone. */
const RANGES = [
  'from=2026-01-05T10:20Z&to=2026-01-07T05:40Z&bucket=hour',
  'from=2026-01-05T13:00Z&to=2026-01-09T00:00Z',
  'from=2026-01-06T07:00Z&to=2026-01-06T19:00Z&bucket=hour',
  'from=2026-01-08T23:00Z&to=2026-01-09T02:10Z&bucket=hour',
  'start=2026-01-05&end=2026-01-09',
]

/** What an answer tells of its groups, by value: every list the dashboard shows, with its folded rest. */
function groups(stats: StoreStats) {
  const byKey = (list: readonly { key: unknown; count: number }[]) => list.map((entry) => [entry.key, entry.count])
  return {
    hits: stats.hits,
    uniqueHits: stats.uniqueHits,
    paths: byKey(stats.paths),
    statusCodes: byKey(stats.statusCodes),
    browsers: byKey(stats.browsers),
    routes: stats.routes.map((route) => [route.key, route.count, route.uniqueHits]),
    other: stats.other,
  }
}

/**
 * Compacted days — sealed days whose hours keep whole-traffic cells only (see `DayCompactor`) —
 * answer as before, from raw rows where a range cuts them at an hour; a prune builds their hours
 * again before taking their rows. Run within the store conformance suite, which ends the engine.
 */
export function describeCompactionConformance(e: StoreEngine): void {
  describe('compacted days', () => {
    const opened: KyselyStore[] = []
    const tables = new Set<string>()
    let tableNumber = 0
    const open = () => {
      const table = `sg_compact_${process.pid}_${++tableNumber}`
      tables.add(table)
      const store = e.open(table)
      opened.push(store)
      return { table, store }
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()))
      for (const table of tables) await e.dropTable(table)
      tables.clear()
    })
    /** Seals every ended day and notes it, then compacts a day later, as a running store's rounds do. */
    const compact = async (store: KyselyStore) => {
      await store.sealDays()
      await store.sealDays(Date.now() + DAY + 60_000)
    }
    const states = async (table: string) => {
      const { rows } = await sql<{ day: number | string; state: number | string }>`select day, state
        from ${sql.table(`${table}_statgraph_compact`)} order by day`.execute(e.kysely)
      return rows.map((row) => [new Date(Number(row.day) * 3_600_000).toISOString().slice(0, 10), Number(row.state)])
    }
    /** The hourly cells of `day`'s paths and routes (`paths`), or of its other groups. */
    const groupHours = async (table: string, day: string, paths = true) => {
      const first = Date.parse(`${day}T00:00Z`) / 3_600_000
      const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(`${table}_statgraph_cell`)}
        where grain = 1 and ${paths ? sql`dim in ('path', 'route')` : sql`dim not in ('path', 'route', 'all')`}
          and bucket >= ${first} and bucket < ${first + 24}`.execute(e.kysely)
      return Number(rows[0]?.n)
    }
    const answers = (store: KyselyStore) => Promise.all(RANGES.map(async (range) => groups(await store.stats(statsQuery(range)))))
    const deleteRows = (table: string, from: number, to: number) =>
      sql`delete from ${sql.table(table)} where date >= ${e.flavor.toDate(from)} and date < ${e.flavor.toDate(to)}`.execute(e.kysely)

    it("drops their hours' path and route cells and answers every range as before, and as the raw rows do", async () => {
      const { table, store } = open()
      const records = generateRecords(1500, JAN_5, 5, 31)
      await store.insertBatch(records)
      await store.sealDays()
      const before = await answers(store)
      await compact(store)
      const days = ['2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09']
      expect(await states(table)).toEqual(days.map((day) => [day, 1]))
      for (const day of days) expect(await groupHours(table, day)).toBe(0)
      // The few-valued groups keep their hours: a range cutting the day reads them there.
      for (const day of days) expect(await groupHours(table, day, false)).toBeGreaterThan(0)
      expect(await answers(store)).toEqual(before)
      for (const range of RANGES) {
        const [rollups, raw] = await Promise.all([store.stats(statsQuery(range)), store.statsFromRaw(statsQuery(range))])
        expect(rollups.widened).toBeUndefined()
        const { routes: _routes, ...rest } = groups(raw)
        expect(groups(rollups)).toMatchObject(rest)
      }
      // Late requests to a compacted day count, from its daily cells and its raw rows.
      const late = generateRecords(300, JAN_5, 5, 32)
      await store.insertBatch(late)
      const all = [...records, ...late]
      for (const range of RANGES) {
        const [rollups, raw] = await Promise.all([store.stats(statsQuery(range)), store.statsFromRaw(statsQuery(range))])
        const routes = (stats: StoreStats) => stats.routes.map((route) => [route.key, route.count])
        expect({ ...groups(rollups), routes: routes(rollups) }).toMatchObject({
          hits: raw.hits,
          paths: groups(raw).paths,
          statusCodes: groups(raw).statusCodes,
          browsers: groups(raw).browsers,
          routes: routes(raw),
        })
      }
      expect((await store.stats(statsQuery(RANGES[4] as string))).hits).toBe(all.length)
    })

    it('leaves a day whole whose raw rows differ from its cells, and widens a compacted day that lost rows since to the whole day', async () => {
      const { table, store } = open()
      const records = generateRecords(1500, JAN_5, 5, 33)
      await store.insertBatch(records)
      // Rows deleted with plain SQL, as an app forgetting a visitor would: Jan 7's cells still count them.
      await deleteRows(table, Date.UTC(2026, 0, 7, 3), Date.UTC(2026, 0, 7, 4))
      await compact(store)
      expect(await states(table)).toEqual([
        ['2026-01-05', 1],
        ['2026-01-06', 1],
        ['2026-01-07', 2],
        ['2026-01-08', 1],
        ['2026-01-09', 1],
      ])
      expect(await groupHours(table, '2026-01-07')).toBeGreaterThan(0)
      const whole = await store.stats(statsQuery('from=2026-01-07T02:00Z&to=2026-01-07T09:00Z&bucket=hour'))
      expect(whole.widened).toBeUndefined()
      // Jan 6 compacted, then rows of its 11:00 hour deleted: its hours answer from the whole day, said so.
      await deleteRows(table, Date.UTC(2026, 0, 6, 11), Date.UTC(2026, 0, 6, 12))
      const cut = await store.stats(statsQuery('from=2026-01-06T10:20Z&to=2026-01-07T05:00Z&bucket=hour'))
      expect(cut.widened).toEqual({ from: '2026-01-06T00:00:00.000Z', to: '2026-01-07T05:00:00.000Z' })
      const counted = (from: number, to: number) => records.filter((r: RequestRecord) => r.date >= from && r.date < to).length
      expect(cut.hits).toBe(counted(Date.UTC(2026, 0, 6), Date.UTC(2026, 0, 7, 5)))
      const { statusCodes } = groups(cut)
      expect(statusCodes.reduce((sum, [, count]) => sum + (count as number), 0)).toBe(cut.hits)
    })

    it('builds a compacted day again before a prune takes its rows, so its edges stay exact or widen to whole hours', async () => {
      const { table, store } = open()
      const records = generateRecords(1500, JAN_5, 5, 34)
      await store.insertBatch(records)
      await compact(store)
      expect(await groupHours(table, '2026-01-06')).toBe(0)
      await store.prune(Date.UTC(2026, 0, 6, 12, 40))
      // Jan 5 and 6 had rows before the cutoff: built again from them, no longer compacted.
      expect((await states(table)).map(([day]) => day)).toEqual(['2026-01-07', '2026-01-08', '2026-01-09'])
      expect(await groupHours(table, '2026-01-06')).toBeGreaterThan(0)
      const counted = (from: number, to: number) => records.filter((r) => r.date >= from && r.date < to)
      const pruned = await store.stats(statsQuery('from=2026-01-06T10:20Z&to=2026-01-06T12:20Z&bucket=hour'))
      expect(pruned).toMatchObject({
        hits: counted(Date.UTC(2026, 0, 6, 10), Date.UTC(2026, 0, 6, 13)).length,
        widened: { from: '2026-01-06T10:00:00.000Z', to: '2026-01-06T13:00:00.000Z' },
      })
      const paths = new Map<string, number>()
      for (const r of counted(Date.UTC(2026, 0, 6, 10), Date.UTC(2026, 0, 6, 13))) paths.set(r.path, (paths.get(r.path) ?? 0) + 1)
      expect(new Map(pruned.paths.map((entry) => [entry.key, entry.count]))).toEqual(paths)
      // A day still compacted answers from its raw rows.
      const kept = await store.stats(statsQuery('from=2026-01-07T10:20Z&to=2026-01-08T12:20Z&bucket=hour'))
      const raw = await store.statsFromRaw(statsQuery('from=2026-01-07T10:20Z&to=2026-01-08T12:20Z&bucket=hour'))
      expect(groups(kept)).toMatchObject({ hits: raw.hits, paths: groups(raw).paths, statusCodes: groups(raw).statusCodes })
    })
  })
}
