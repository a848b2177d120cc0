import { type RawBuilder, sql } from 'kysely'
import type { RequestRecord } from '../../record/request-record.js'
import type { Release } from '../../stats/answer/release.js'
import type { SqlRunner } from './rollup-tables.js'
import type { ColumnKind, SqlFlavor } from './sql-flavor.js'

const COLUMNS = ['version', 'writer', 'first_seen', 'last_seen', 'hits'] as const
const KINDS: ColumnKind[] = ['text', 'text', 'integer', 'integer', 'integer']

/**
 * When each version of the app was first and last seen, kept inside every batch's transaction. Each
 * writer (store object) has its own row per version, so instances never wait on each other's:
 * a row is created by the writer's first batch of that version — whose earliest request is the
 * writer's first — and then only adds hits and raises `last_seen`, a write that commutes.
 */
export class ReleaseLedger {
  readonly #table: RawBuilder<unknown>
  readonly #flavor: SqlFlavor
  readonly #writer: string

  constructor(table: RawBuilder<unknown>, flavor: SqlFlavor, writer: string) {
    this.#table = table
    this.#flavor = flavor
    this.#writer = writer
  }

  /** Counts the versions of `records` in, inside the batch's transaction `db`. */
  async record(db: SqlRunner, records: readonly RequestRecord[]): Promise<void> {
    const seen = new Map<string, { first: number; last: number; hits: number }>()
    for (const { version, date } of records) {
      if (version === null) continue
      const release = seen.get(version)
      if (release === undefined) seen.set(version, { first: date, last: date, hits: 1 })
      else {
        release.first = Math.min(release.first, date)
        release.last = Math.max(release.last, date)
        release.hits++
      }
    }
    if (seen.size === 0) return
    const rows = [...seen].map(([version, { first, last, hits }]) => [version, this.#writer, first, last, hits])
    const source = this.#flavor.rowSource(rows, KINDS)
    await this.#flavor.accumulate(this.#table, COLUMNS, source, { keys: ['version', 'writer'], sums: ['hits'], maxima: ['last_seen'] }).execute(db)
  }

  /** Every version recorded, the oldest first. */
  async list(db: SqlRunner): Promise<Release[]> {
    const { rows } = await sql<{ version: string; first_seen: number | string; last_seen: number | string; hits: number | string }>`
      select version, min(first_seen) as first_seen, max(last_seen) as last_seen, sum(hits) as hits
      from ${this.#table} group by version order by first_seen, version`.execute(db)
    return rows.map((row) => ({
      version: row.version,
      firstSeen: new Date(Number(row.first_seen)).toISOString(),
      lastSeen: new Date(Number(row.last_seen)).toISOString(),
      hits: Number(row.hits),
    }))
  }
}
