import type { RawBuilder } from 'kysely'
import type { SqlRunner } from './rollup-tables.js'
import type { ColumnKind, SqlFlavor } from './sql-flavor.js'

/** An INSERT of the rows it is given, as the flavour's `rowSource` makes them. */
type RowsStatement = (rows: RawBuilder<unknown>) => RawBuilder<unknown>

/** Runs `statement` for every one of `rows` (each of the columns' `kinds`) on `db`. */
export type InsertRows = (db: SqlRunner, statement: RowsStatement, rows: readonly (readonly unknown[])[], kinds: readonly ColumnKind[]) => Promise<void>

/** Multi-row statements, as many rows each as the flavour's parameter bound lets through: a server's way, one round trip per statement. */
export function multiRowInsert(flavor: SqlFlavor): InsertRows {
  return async (db, statement, rows, kinds) => {
    const size = Math.max(1, Math.floor(flavor.maxParameters / kinds.length))
    for (let i = 0; i < rows.length; i += size) await statement(flavor.rowSource(rows.slice(i, i + size), kinds)).execute(db)
  }
}
