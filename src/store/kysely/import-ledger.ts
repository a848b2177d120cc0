import { type RawBuilder, sql } from 'kysely'
import { StatgraphError } from '../../errors/statgraph-error.js'
import type { ImportedContent, ImportStep } from '../imported-content.js'
import type { SqlRunner } from './rollup-tables.js'
import type { SqlFlavor } from './sql-flavor.js'

/**
 * The log contents `statgraph import` read into the table, one row each, advanced inside every
 * batch's own transaction: rows and the ledger commit together, so a crash or a second import of
 * the same log never counts a line twice. Rows of an older statgraph (a whole file's SHA-256, no
 * head) are still candidates: for a log ending in a line end, that hash is the prefix hash.
 */
export class ImportLedger {
  readonly #table: RawBuilder<unknown>
  readonly #flavor: SqlFlavor

  constructor(table: RawBuilder<unknown>, flavor: SqlFlavor) {
    this.#table = table
    this.#flavor = flavor
  }

  /** The contents whose first line hashes to `head`, and the older rows, which have no head. */
  async candidates(db: SqlRunner, head: string): Promise<ImportedContent[]> {
    const { rows } = await sql<{ fingerprint: string; line_count: number | string; prefix: string | null; source: string; imported_at: unknown }>`
      select fingerprint, line_count, prefix, source, ${this.#flavor.readDate(sql.ref('imported_at'))} as imported_at
      from ${this.#table} where head = ${head} or head is null`.execute(db)
    return rows.map((row) => ({
      id: row.fingerprint,
      lines: Number(row.line_count),
      prefix: row.prefix ?? row.fingerprint,
      source: row.source,
      importedAt: this.#flavor.fromDate(row.imported_at),
    }))
  }

  /**
   * Records `step` inside the batch's transaction. Fails, rolling the batch back, when the content
   * moved on since it was read: another import of the same log is running.
   */
  async advance(db: SqlRunner, step: ImportStep): Promise<void> {
    const now = this.#flavor.toDate(Date.now())
    const result =
      step.from === 0
        ? await this.#flavor
            .insertNew(
              this.#table,
              ['fingerprint', 'head', 'prefix', 'source', 'line_count', 'imported_at'],
              this.#flavor.rowSource([[step.id, step.head, step.prefix, step.source, step.to, now]], ['text', 'text', 'text', 'text', 'integer', 'date']),
            )
            .execute(db)
        : await sql`update ${this.#table} set line_count = ${step.to}, prefix = ${step.prefix}, head = ${step.head}, source = ${step.source},
            imported_at = ${now} where fingerprint = ${step.id} and line_count = ${step.from}`.execute(db)
    if (Number(result.numAffectedRows ?? 0) === 0) {
      throw new StatgraphError(
        'STATGRAPH_IMPORT_CONFLICT',
        `another import read ${step.source} (or a copy of it) into this table at the same time; nothing was counted twice: run one import of a log at a time`,
      )
    }
  }
}
