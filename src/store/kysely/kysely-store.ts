import { type Kysely, Migrator, type RawBuilder, sql } from 'kysely'
import type { RequestRecord } from '../../record/request-record.js'
import { nearestRank, PERCENTILES } from '../../stats/percentile.js'
import { RollupAnswer } from '../../stats/rollup-answer.js'
import { RollupBatch, type RollupSource } from '../../stats/rollup-batch.js'
import { clipPlan, planRollupRead, type RollupPlan, type Span } from '../../stats/rollup-plan.js'
import type { StatsFilters } from '../../stats/query-params.js'
import type { RequestsQuery } from '../../stats/requests-query.js'
import type { StatsQuery } from '../../stats/stats-query.js'
import type { BreakdownEntry, ExceptionStats, PathStats, RouteStats, StoreStats, TimeseriesPoint } from '../../stats/stats.js'
import { BUCKET_MS, bucketKey, bucketStarts } from '../../stats/time-bucket.js'
import type { RequestPage, RequestRow, Store } from '../store.js'
import { requestMigrations } from './request-migrations.js'
import { INSERT_COLUMNS, type RequestDatabase } from './request-table.js'
import { RollupTables, type SqlRunner } from './rollup-tables.js'
import type { SqlFlavor } from './sql-flavor.js'

/** What {@link KyselyStore} is built from. */
export interface KyselyStoreConfig {
  db: Kysely<RequestDatabase>
  table: string
  /** The PostgreSQL schema (or MySQL database) holding the table; default the connection's own. */
  schema?: string | undefined
  flavor: SqlFlavor
  /** Whether `close()` destroys `db` (false when the app passed its own database in). */
  ownsDatabase: boolean
}

/** Requests answered with a server error. */
const ERRORS = sql`sum(case when status_code >= 500 then 1 else 0 end)`

/** The columns a row lists besides `index` and `date`, which need their own handling. */
const ROW_COLUMNS = INSERT_COLUMNS.filter((column) => column !== 'date')

/** The alias of a group's value (quoted: `key` is reserved in MySQL). */
const KEY = sql.id('key')

// Enough for a handful of instances starting at once to take turns: each round, one finishes.
const MIGRATION_ATTEMPTS = 10

/**
 * Most visitor rows (one per bucket and visitor) counted to tell a range's distinct visitors
 * exactly; beyond, the merged HyperLogLog sketches of its cells estimate them (2.3% standard error),
 * which keeps long ranges of busy sites fast.
 */
const EXACT_VISITOR_ROWS = 20_000

// Rows per INSERT: 1000 rows × 15 columns stays under every engine's bound-parameter limit.
const INSERT_CHUNK = 1000

type Aggregates = {
  hits: number | string
  unique_hits: number | string
  errors: number | string | null
  avg_rt: number | string | null
}

/**
 * A {@link Store} in plain SQL through Kysely: the same queries on every engine, with the engine's
 * differences in a {@link SqlFlavor}. Exact answers from the raw rows.
 */
export class KyselyStore implements Store {
  readonly #db: Kysely<RequestDatabase>
  readonly #table: string
  readonly #schema: string | undefined
  /** The table in raw SQL, schema-qualified (Kysely's `withSchema` leaves raw SQL alone). */
  readonly #tableRef: RawBuilder<unknown>
  /** The table of access-log files imported into this table. */
  readonly #ledgerRef: RawBuilder<unknown>
  readonly #flavor: SqlFlavor
  readonly #ownsDatabase: boolean
  readonly #rollups: RollupTables
  #migrated: Promise<void> | undefined

  constructor(config: KyselyStoreConfig) {
    this.#schema = config.schema
    this.#db = config.schema === undefined ? config.db : config.db.withSchema(config.schema)
    this.#table = config.table
    const qualified = (name: string) => sql.table(config.schema === undefined ? name : `${config.schema}.${name}`)
    this.#tableRef = qualified(config.table)
    this.#ledgerRef = qualified(`${config.table}_statgraph_import`)
    this.#rollups = new RollupTables(qualified, config.table, config.flavor)
    this.#flavor = config.flavor
    this.#ownsDatabase = config.ownsDatabase
  }

  migrate(): Promise<void> {
    // One migration per store; a failed one is tried again by the next caller.
    this.#migrated ??= this.runMigrations().catch((error: unknown) => {
      this.#migrated = undefined
      throw error
    })
    return this.#migrated
  }

  /**
   * Brings the table to the latest version. Instances starting together may collide (SQLite has no
   * migration lock: the loser's transaction fails); a collision rolls back whole, so the loser tries
   * again shortly and finds the work done.
   */
  protected async runMigrations(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#migrateToLatest()
      } catch (error) {
        if (attempt === MIGRATION_ATTEMPTS) throw error
        await new Promise((resolve) => setTimeout(resolve, attempt * 20 + Math.random() * 100))
      }
    }
  }

  async #migrateToLatest(): Promise<void> {
    const migrations = requestMigrations(this.#table, this.#flavor, this.#schema, (db) => this.#buildRollups(db))
    const migrator = new Migrator({
      db: this.#db,
      provider: { getMigrations: async () => migrations },
      migrationTableName: `${this.#table}_statgraph_migration`,
      migrationLockTableName: `${this.#table}_statgraph_migration_lock`,
      ...(this.#schema === undefined ? {} : { migrationTableSchema: this.#schema }),
    })
    const { error } = await migrator.migrateToLatest()
    if (error !== undefined) {
      // statgraph's own errors already say what to do.
      if (error instanceof Error && error.message.startsWith('statgraph:')) throw error
      throw new Error(`statgraph: migrating table "${this.#table}" failed: ${String(error)}`, { cause: error })
    }
  }

  /**
   * Raw rows and their rollups in one transaction, under the rollup lock: all or nothing, and exact
   * whatever other instances write at the same time.
   */
  async insertBatch(records: readonly RequestRecord[]): Promise<void> {
    if (records.length === 0) return
    await this.migrate()
    const batch = new RollupBatch({ days: true })
    for (const record of records) batch.add(record)
    await this.#db.transaction().execute(async (trx) => {
      await this.#rollups.lock(trx)
      await this.insertRows(trx, records)
      await this.#rollups.write(trx, batch)
    })
  }

  /** Writes the raw rows, inside the batch's transaction. */
  protected async insertRows(trx: Kysely<RequestDatabase>, records: readonly RequestRecord[]): Promise<void> {
    const rows = records.map((record) => ({
      ...record,
      date: this.#flavor.toDate(record.date),
      bot: this.#flavor.toBoolean(record.bot),
    }))
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      await trx
        .insertInto(this.#table as 'request')
        .values(rows.slice(i, i + INSERT_CHUNK))
        .execute()
    }
  }

  /**
   * The dashboard's answer. Without filters it is summed from rollups — daily and hourly cells,
   * raw rows only for the parts of an hour at the range's edges — so it costs the same at any
   * table size; percentiles come from histograms (within 2.44%), per-path visitors from sketches,
   * and so do a long range's visitors once there are too many to count exactly at once.
   * Filtered queries and minute buckets read the raw rows, exactly.
   */
  async stats(query: StatsQuery): Promise<StoreStats> {
    const filtered = Object.values(query.filters).some((value) => value !== undefined)
    if (filtered || query.bucket === 'minute') return this.statsFromRaw(query)
    await this.migrate()
    const db = this.#db
    const plan = planRollupRead(query.range.from, query.range.to, query.bucket)
    const answer = new RollupAnswer(query)
    for (const cell of await this.#rollups.sumByValue(db, plan)) answer.add(cell)
    const wholeTraffic = await this.#rollups.wholeTraffic(db, plan)
    // Rows the exact count of the range's visitors would go through (each bucket's own visitors).
    let visitorRows = 0
    for (const cell of wholeTraffic) {
      visitorRows += cell.visitorCount
      answer.add(cell)
    }
    const edges = new RollupBatch({ days: false })
    for (const span of plan.raw) for (const source of await this.#rollupSources(db, this.#spanWhere(span))) edges.add(source)
    const edgeCells = edges.cells()
    const edgePaths = edgeCells.flatMap((cell) => (cell.dim === 'path' && cell.key !== null ? [cell.key] : []))
    for (const cell of await this.#rollups.topPaths(db, plan, query.top, edgePaths)) answer.add(cell)
    for (const cell of edgeCells) answer.add(cell)
    for (const seen of edges.visitors()) visitorRows += seen.visitors.size
    for (const cell of await this.#rollups.sketches(db, plan, 'all', [null])) answer.add(cell)
    const routes = answer.top('route').map((cell) => cell.key)
    for (const cell of await this.#rollups.sketches(db, plan, 'route', routes)) answer.add(cell)
    return answer.build({
      total: visitorRows <= EXACT_VISITOR_ROWS ? await this.#countVisitors(plan) : undefined,
      points: await this.#visitorsOfPartialPoints(query, plan),
    })
  }

  /**
   * The dashboard's answer computed from the raw rows alone, exactly (nearest-rank percentiles,
   * count distinct): what {@link stats} answers for filtered queries, and its reference in tests
   * and benchmarks.
   */
  async statsFromRaw(query: StatsQuery): Promise<StoreStats> {
    await this.migrate()
    const where = this.#where(query)
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
      group by exception order by count desc, exception limit ${query.top}`.execute(db)
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

  async requests(query: Omit<RequestsQuery, 'format'>): Promise<RequestPage> {
    await this.migrate()
    const where = this.#where(query)
    const t = this.#tableRef
    const total = (await sql<{ total: number | string }>`select count(*) as total from ${t} where ${where}`.execute(this.#db))
      .rows[0]?.total
    const { rows } = await sql<Record<string, unknown>>`
      select ${sql.ref('index')}, ${sql.join(ROW_COLUMNS.map((column) => sql.ref(column)))},
        ${this.#flavor.readDate(sql.ref('date'))} as date
      from ${t} where ${where}
      order by date desc, ${sql.ref('index')} desc limit ${query.limit} offset ${query.offset}`.execute(this.#db)
    return { total: Number(total ?? 0), rows: rows.map((row) => this.#toRow(row)) }
  }

  async prune(before: number): Promise<number> {
    await this.migrate()
    const result = await this.#db
      .deleteFrom(this.#table as 'request')
      .where('date', '<', this.#flavor.toDate(before))
      .executeTakeFirst()
    return Number(result.numDeletedRows)
  }

  async pruneRollups(before: number): Promise<number> {
    await this.migrate()
    return this.#db.transaction().execute(async (trx) => {
      await this.#rollups.lock(trx)
      return this.#rollups.prune(trx, before)
    })
  }

  async close(): Promise<void> {
    if (this.#ownsDatabase) await this.#db.destroy()
  }

  /** Whether the statistics table exists, checked without creating anything. */
  async exists(): Promise<boolean> {
    const tables = await this.#db.introspection.getTables()
    return tables.some((table) => table.name === this.#table && (this.#schema === undefined || table.schema === this.#schema))
  }

  /**
   * Every row of the range and filters, oldest first by row id, `pageSize` at a time: one short
   * query per page (keyset, not offset), so memory stays flat at any table size.
   */
  async *eachPage(query: { range: { from: number; to: number }; filters: StatsFilters }, pageSize = 5000): AsyncGenerator<RequestRow[]> {
    await this.migrate()
    const where = this.#where(query)
    const index = sql.ref('index')
    let after = -1
    for (;;) {
      const { rows } = await sql<Record<string, unknown>>`
        select ${index}, ${sql.join(ROW_COLUMNS.map((column) => sql.ref(column)))}, ${this.#flavor.readDate(sql.ref('date'))} as date
        from ${this.#tableRef} where ${where} and ${index} > ${after}
        order by ${index} limit ${pageSize}`.execute(this.#db)
      if (rows.length === 0) return
      const page = rows.map((row) => this.#toRow(row))
      after = page[page.length - 1]?.index as number
      yield page
    }
  }

  /** When and from where content with this fingerprint was imported, if it was. */
  async importedBefore(fingerprint: string): Promise<{ source: string; importedAt: string } | undefined> {
    await this.migrate()
    const { rows } = await sql<{ source: string; imported_at: unknown }>`
      select source, ${this.#flavor.readDate(sql.ref('imported_at'))} as imported_at from ${this.#ledgerRef}
      where fingerprint = ${fingerprint}`.execute(this.#db)
    const row = rows[0]
    return row === undefined ? undefined : { source: row.source, importedAt: this.#isoDate(row.imported_at) }
  }

  /** Notes that content with this fingerprint was imported, so that importing it again is refused. */
  async markImported(fingerprint: string, source: string, lines: number): Promise<void> {
    await this.migrate()
    await sql`insert into ${this.#ledgerRef} (fingerprint, source, line_count, imported_at)
      values (${fingerprint}, ${source}, ${lines}, ${this.#flavor.toDate(Date.now())})`.execute(this.#db)
  }

  /** Distinct visitors over the whole plan. */
  #countVisitors(plan: RollupPlan): Promise<number> {
    return this.#rollups.countVisitors(this.#db, plan, (span) => sql`select remote_address as visitor from ${this.#tableRef} where ${this.#spanWhere(span)}`)
  }

  /**
   * Distinct visitors of the time-series points made of parts — the first and last at most; a
   * point that is one whole stored bucket has its count on its cell.
   */
  async #visitorsOfPartialPoints(query: StatsQuery, plan: RollupPlan): Promise<Map<number, number>> {
    const width = BUCKET_MS[query.bucket]
    const points = new Map<number, number>()
    for (const start of bucketStarts(query.range.from, query.range.to, query.bucket)) {
      const part = clipPlan(plan, start, start + width)
      const [span] = [...part.days, ...part.hours]
      const grain = part.days.length === 1 ? 24 : 1
      const whole = part.raw.length === 0 && part.days.length + part.hours.length === 1 && span !== undefined && span[1] - span[0] === grain
      if (!whole) points.set(start, await this.#countVisitors(part))
    }
    return points
  }

  /** The raw rows of `where`, as much of them as rollups count. */
  async #rollupSources(db: SqlRunner, where: RawBuilder<unknown>, after?: number, limit?: number): Promise<(RollupSource & { index: number })[]> {
    const index = sql.ref('index')
    const { rows } = await sql<Record<string, unknown>>`
      select ${index}, ${this.#flavor.readDate(sql.ref('date'))} as date, response_time, size, status_code, method, path, route,
        browser, platform, referrer, mimetype, exception, remote_address
      from ${this.#tableRef} where ${where}
      ${after === undefined ? sql`` : sql`and ${index} > ${after} order by ${index} limit ${limit ?? 5000}`}`.execute(db)
    return rows.map((row) => ({
      ...(row as unknown as RollupSource),
      index: Number(row.index),
      date: this.#flavor.fromDate(row.date),
      response_time: nullableNumber(row.response_time as number | string | null),
      size: Number(row.size),
      status_code: Number(row.status_code),
    }))
  }

  /** Rebuilds the rollups from every raw row, a page at a time (the upgrade to rollups). */
  async #buildRollups(db: SqlRunner): Promise<void> {
    await this.#rollups.clear(db)
    for (let after = -1; ; ) {
      const page = await this.#rollupSources(db, sql`1 = 1`, after, 20_000)
      if (page.length === 0) return
      const batch = new RollupBatch({ days: true })
      for (const source of page) batch.add(source)
      await this.#rollups.write(db, batch)
      after = page[page.length - 1]?.index as number
    }
  }

  #spanWhere([from, to]: Span): RawBuilder<unknown> {
    return sql`date >= ${this.#flavor.toDate(from)} and date < ${this.#flavor.toDate(to)}`
  }

  #where(query: { range: { from: number; to: number }; filters: StatsFilters }): RawBuilder<unknown> {
    const { filters } = query
    const parts = [this.#spanWhere([query.range.from, query.range.to])]
    if (filters.path !== undefined) parts.push(sql`path = ${filters.path}`)
    if (filters.route !== undefined) parts.push(sql`route = ${filters.route}`)
    if (filters.method !== undefined) parts.push(sql`method = ${filters.method}`)
    if (filters.status !== undefined) parts.push(sql`status_code between ${filters.status.min} and ${filters.status.max}`)
    if (filters.browser !== undefined) parts.push(sql`browser = ${filters.browser}`)
    if (filters.platform !== undefined) parts.push(sql`platform = ${filters.platform}`)
    if (filters.referrer !== undefined) parts.push(sql`referrer = ${filters.referrer}`)
    if (filters.exception !== undefined) parts.push(sql`exception = ${filters.exception}`)
    if (filters.mimetype !== undefined) parts.push(sql`mimetype = ${filters.mimetype}`)
    if (filters.bot !== undefined) parts.push(sql`bot = ${this.#flavor.toBoolean(filters.bot)}`)
    return sql.join(parts, sql` and `)
  }

  /** The routes-table lines for each value of `column`: hits, visitors, errors, times, last request. */
  async #groupStats(column: 'path' | 'route', where: RawBuilder<unknown>, top: number): Promise<RouteStats[]> {
    const ref = sql.ref(column)
    const { rows } = await sql<Aggregates & { key: string | null; last: unknown }>`
      select ${ref} as ${KEY}, count(*) as hits, count(distinct remote_address) as unique_hits,
        ${ERRORS} as errors, avg(response_time) as avg_rt, ${this.#flavor.readDate(sql`max(date)`)} as last
      from ${this.#tableRef} where ${where} group by ${ref} order by hits desc, ${nullsLast(ref)} limit ${top}`.execute(this.#db)
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
  async #groupedPercentiles(
    key: RawBuilder<unknown>,
    where: RawBuilder<unknown>,
    percents: readonly number[],
  ): Promise<Map<string, Map<number, number>>> {
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
      order by count desc, ${nullsLast(place)}`.execute(this.#db)
    const places = new Map<string, string>()
    for (const row of rows) if (!places.has(row.exception) && row.place !== null) places.set(row.exception, row.place)
    return places
  }

  async #breakdown(column: string, where: RawBuilder<unknown>, top: number): Promise<BreakdownEntry[]> {
    const ref = sql.ref(column)
    const { rows } = await sql<{ key: string | null; count: number | string }>`
      select ${ref} as ${KEY}, count(*) as count from ${this.#tableRef} where ${where}
      group by ${ref} order by count desc, ${nullsLast(ref)} limit ${top}`.execute(this.#db)
    return rows.map((row) => ({ key: row.key, count: Number(row.count) }))
  }

  #toRow(row: Record<string, unknown>): RequestRow {
    return {
      ...(row as unknown as RequestRow),
      index: Number(row.index),
      // Some drivers read bigint and numeric columns as strings.
      response_time: nullableNumber(row.response_time as number | string | null),
      size: Number(row.size),
      status_code: Number(row.status_code),
      date: this.#isoDate(row.date),
      bot: Boolean(Number(row.bot)),
    }
  }

  #isoDate(value: unknown): string {
    return new Date(this.#flavor.fromDate(value)).toISOString()
  }
}

/** Orders a group's values with the missing one last, the same on every engine. */
function nullsLast(ref: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`case when ${ref} is null then 1 else 0 end, ${ref}`
}

function nullableNumber(value: number | string | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value)
}
