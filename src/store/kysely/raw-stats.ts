import { type Kysely, type RawBuilder, sql } from 'kysely'
import { nearestRank, PERCENTILES } from '../../stats/sketch/percentile.js'
import type { StatsQuery } from '../../stats/query/stats-query.js'
import type { BreakdownEntry, ExceptionStats, PathStats, RouteStats, StoreStats, TimeseriesPoint } from '../../stats/answer/stats.js'
import { bucketKey, bucketStarts } from '../../stats/time/time-bucket.js'
import { nullableNumber, nullsLast } from './sql-values.js'
import type { SqlFlavor } from './sql-flavor.js'

/** Requests answered with a server error. */
const ERRORS = sql`sum(case when status_code >= 500 then 1 else 0 end)`

/** The alias of a group's value (quoted: `key` is reserved in MySQL). */
const KEY = sql.id('key')

type Aggregates = {
  hits: number | string
  unique_hits: number | string
  errors: number | string | null
  avg_rt: number | string | null
}

/**
 * The dashboard's answer from the raw rows alone, exactly (nearest-rank percentiles, count
 * distinct), in SQL every engine runs: what a store answers for filtered queries and minute
 * points, and the reference for its rollups in tests and benchmarks.
 */
export class RawStats {
  readonly #db: Kysely<unknown>
  readonly #tableRef: RawBuilder<unknown>
  readonly #flavor: SqlFlavor

  constructor(db: Kysely<unknown>, table: RawBuilder<unknown>, flavor: SqlFlavor) {
    this.#db = db
    this.#tableRef = table
    this.#flavor = flavor
  }

  /** The answer to `query` over the rows of `where` (its range and filters). */
  async answer(query: StatsQuery, where: RawBuilder<unknown>): Promise<StoreStats> {
    const t = this.#tableRef
    const db = this.#db
    const flavor = this.#flavor
    const errors = ERRORS

    const totals = (
      await sql<Aggregates & { timed: number | string; with_exception: number | string; bytes: number | string | null; max_rt: number | null }>`
        select count(*) as hits, count(response_time) as timed, count(exception) as with_exception,
          count(distinct remote_address) as unique_hits, ${errors} as errors,
          sum(size) as bytes, avg(response_time) as avg_rt, max(response_time) as max_rt
        from ${t} where ${where}`.execute(db)
    ).rows[0]
    const hits = Number(totals?.hits ?? 0)
    const percentiles = await this.#percentiles(where, Number(totals?.timed ?? 0))

    const bucket = flavor.utcBucket(query.bucket)
    const buckets = await sql<Aggregates & { key: string }>`
      select ${bucket} as ${KEY}, count(*) as hits, count(distinct remote_address) as unique_hits,
        ${errors} as errors, avg(response_time) as avg_rt
      from ${t} where ${where} group by ${bucket}`.execute(db)
    const bucketPercentiles = await this.#groupedPercentiles(bucket, where, PERCENTILES)
    const byBucket = new Map(buckets.rows.map((row) => [String(row.key), row]))
    const timeseries: TimeseriesPoint[] = bucketStarts(query.range.from, query.range.to, query.bucket).map((start) => {
      const key = bucketKey(start, query.bucket)
      const row = byBucket.get(key)
      const times = bucketPercentiles.get(key)
      return {
        t: new Date(start).toISOString(),
        hits: Number(row?.hits ?? 0),
        uniqueHits: Number(row?.unique_hits ?? 0),
        errors: Number(row?.errors ?? 0),
        avgResponseTime: nullableNumber(row?.avg_rt),
        p50ResponseTime: times?.get(50) ?? null,
        p95ResponseTime: times?.get(95) ?? null,
        p99ResponseTime: times?.get(99) ?? null,
      }
    })

    const paths = (await this.#groupStats('path', where, query.top)) as PathStats[]
    const routes = await this.#groupStats('route', where, query.top)

    const exceptionRows = await sql<{ key: string; count: number | string; last: unknown }>`
      select exception as ${KEY}, count(*) as count, ${flavor.readDate(sql`max(date)`)} as last
      from ${t} where ${where} and exception is not null
      group by ${this.#groupKey('exception')} order by count desc, exception ${flavor.codePointOrder ?? sql``} limit ${query.top}`.execute(db)
    const places = await this.#exceptionPlaces(where)
    const exceptions: ExceptionStats[] = exceptionRows.rows.map((row) => ({
      key: row.key,
      count: Number(row.count),
      lastSeen: this.#isoDate(row.last),
      where: places.get(row.key) ?? null,
    }))

    const lists = {
      statusCodes: (await this.#breakdown('status_code', where, query.top)).map((entry) => ({ key: Number(entry.key), count: entry.count })),
      methods: (await this.#breakdown('method', where, query.top)) as BreakdownEntry<string>[],
      paths,
      routes,
      browsers: await this.#breakdown('browser', where, query.top),
      platforms: await this.#breakdown('platform', where, query.top),
      referrers: await this.#breakdown('referrer', where, query.top),
      mimetypes: await this.#breakdown('mimetype', where, query.top),
      exceptions,
      instances: await this.#groupStats('instance', where, query.top),
      versions: await this.#groupStats('version', where, query.top),
    }
    const listed = (list: readonly { count: number }[]) => list.reduce((sum, entry) => sum + entry.count, 0)
    const other = Object.fromEntries(
      Object.entries(lists).map(([name, list]) => [name, (name === 'exceptions' ? Number(totals?.with_exception ?? 0) : hits) - listed(list)]),
    ) as StoreStats['other']
    return {
      hits,
      uniqueHits: Number(totals?.unique_hits ?? 0),
      errors: Number(totals?.errors ?? 0),
      bytes: Number(totals?.bytes ?? 0),
      responseTime: {
        avg: nullableNumber(totals?.avg_rt),
        p50: percentiles.get(50) ?? null,
        p95: percentiles.get(95) ?? null,
        p99: percentiles.get(99) ?? null,
        max: nullableNumber(totals?.max_rt),
      },
      timeseries,
      ...lists,
      other,
    }
  }

  /** The routes-table lines for each value of `column`: hits, visitors, errors, times, last request. */
  async #groupStats(column: 'path' | 'route' | 'instance' | 'version', where: RawBuilder<unknown>, top: number): Promise<RouteStats[]> {
    const ref = sql.ref(column)
    const { rows } = await sql<Aggregates & { key: string | null; last: unknown }>`
      select ${ref} as ${KEY}, count(*) as hits, count(distinct remote_address) as unique_hits,
        ${ERRORS} as errors, avg(response_time) as avg_rt, ${this.#flavor.readDate(sql`max(date)`)} as last
      from ${this.#tableRef} where ${where} group by ${this.#groupKey(column)} order by hits desc, ${nullsLast(ref, this.#flavor.codePointOrder)} limit ${top}`.execute(
      this.#db,
    )
    const p95 = await this.#groupedPercentiles(ref, where, [95])
    return rows.map((row) => ({
      key: row.key,
      count: Number(row.hits),
      uniqueHits: Number(row.unique_hits),
      errors: Number(row.errors ?? 0),
      avgResponseTime: nullableNumber(row.avg_rt),
      p95ResponseTime: p95.get(String(row.key))?.get(95) ?? null,
      lastRequested: this.#isoDate(row.last),
    }))
  }

  /** Exact nearest-rank percentiles of the response time over the rows of `where`. */
  async #percentiles(where: RawBuilder<unknown>, count: number): Promise<Map<number, number>> {
    const result = new Map<number, number>()
    if (count === 0) return result
    const ranks = PERCENTILES.map((percent) => nearestRank(percent, count))
    const { rows } = await sql<{ rn: number | string; response_time: number }>`
      select rn, response_time from (
        select response_time, row_number() over (order by response_time) as rn
        from ${this.#tableRef} where ${where} and response_time is not null
      ) ranked where rn in (${sql.join(ranks)})`.execute(this.#db)
    const byRank = new Map(rows.map((row) => [Number(row.rn), Number(row.response_time)]))
    PERCENTILES.forEach((percent, i) => {
      const value = byRank.get(ranks[i] as number)
      if (value !== undefined) result.set(percent, value)
    })
    return result
  }

  /** Exact nearest-rank `percents` of the response time per value of `key`: key → percent → time. */
  async #groupedPercentiles(key: RawBuilder<unknown>, where: RawBuilder<unknown>, percents: readonly number[]): Promise<Map<string, Map<number, number>>> {
    // Row rn is the nearest rank of p when rn is the smallest rank with rn / n >= p / 100.
    const isRank = (percent: number) => sql`(rn * 100 >= n * ${sql.lit(percent)} and (rn - 1) * 100 < n * ${sql.lit(percent)})`
    const { rows } = await sql<{ key: string; rn: number | string; n: number | string; response_time: number }>`
      select ${KEY}, rn, n, response_time from (
        select ${key} as ${KEY}, response_time,
          row_number() over (partition by ${key} order by response_time) as rn,
          count(*) over (partition by ${key}) as n
        from ${this.#tableRef} where ${where} and response_time is not null
      ) ranked where ${sql.join(percents.map(isRank), sql` or `)}`.execute(this.#db)
    const result = new Map<string, Map<number, number>>()
    for (const row of rows) {
      const rank = Number(row.rn)
      const count = Number(row.n)
      const times = result.get(String(row.key)) ?? new Map<number, number>()
      for (const percent of percents) if (nearestRank(percent, count) === rank) times.set(percent, Number(row.response_time))
      result.set(String(row.key), times)
    }
    return result
  }

  /** For each exception text, the route pattern (else the path) where most of its requests went. */
  async #exceptionPlaces(where: RawBuilder<unknown>): Promise<Map<string, string>> {
    const place = sql`coalesce(route, path)`
    const { rows } = await sql<{ exception: string; place: string | null; count: number | string }>`
      select exception, ${place} as place, count(*) as count from ${this.#tableRef}
      where ${where} and exception is not null group by exception, ${place}
      order by count desc, ${nullsLast(place, this.#flavor.codePointOrder)}`.execute(this.#db)
    const places = new Map<string, string>()
    for (const row of rows) if (!places.has(row.exception) && row.place !== null) places.set(row.exception, row.place)
    return places
  }

  async #breakdown(column: string, where: RawBuilder<unknown>, top: number): Promise<BreakdownEntry[]> {
    const ref = sql.ref(column)
    const { rows } = await sql<{ key: string | null; count: number | string }>`
      select ${ref} as ${KEY}, count(*) as count from ${this.#tableRef} where ${where}
      group by ${this.#groupKey(column)} order by count desc, ${nullsLast(ref, column === 'status_code' ? undefined : this.#flavor.codePointOrder)} limit ${top}`.execute(
      this.#db,
    )
    return rows.map((row) => ({ key: row.key, count: Number(row.count) }))
  }

  #groupKey(column: string): RawBuilder<unknown> {
    return this.#flavor.groupKey?.(column) ?? sql.ref(column)
  }

  #isoDate(value: unknown): string {
    return new Date(this.#flavor.fromDate(value)).toISOString()
  }
}
