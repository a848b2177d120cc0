import { type RawBuilder, sql } from 'kysely'
import type { Annotation } from '../../stats/answer/release.js'
import type { SqlRunner } from './rollup-tables.js'

/** Most annotations one answer lists: a range's markers, not an archive. */
const MAX_LISTED = 1000

/** Notes on the time axis (deploys, incidents), each an instant and a text. */
export class AnnotationTable {
  readonly #table: RawBuilder<unknown>

  constructor(table: RawBuilder<unknown>) {
    this.#table = table
  }

  async add(db: SqlRunner, at: number, text: string): Promise<void> {
    await sql`insert into ${this.#table} (${sql.ref('at')}, ${sql.ref('text')}) values (${at}, ${text})`.execute(db)
  }

  /** The annotations in [from, to) ms, oldest first. */
  async between(db: SqlRunner, from: number, to: number): Promise<Annotation[]> {
    const { rows } = await sql<{ at: number | string; text: string }>`
      select ${sql.ref('at')}, ${sql.ref('text')} from ${this.#table} where ${sql.ref('at')} >= ${from} and ${sql.ref('at')} < ${to}
      order by ${sql.ref('at')}, ${sql.ref('id')} limit ${MAX_LISTED}`.execute(db)
    return rows.map((row) => ({ at: new Date(Number(row.at)).toISOString(), text: row.text }))
  }
}
