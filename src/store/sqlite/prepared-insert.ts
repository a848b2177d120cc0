import type { Statement } from 'better-sqlite3'
import { multiRowInsert, type InsertRows } from '../kysely/insert-rows.js'
import type { SqliteDatabase } from './sqlite-store.js'
import { sqliteFlavor } from './sqlite-flavor.js'

/**
 * Inserts through better-sqlite3 directly, one prepared single-row statement run per row: with no
 * round trips to save, SQLite parses and plans a statement of one row once and runs it for each,
 * where a multi-row INSERT built through Kysely is compiled, parsed and planned anew for every batch
 * (three to four times the cost per rollup row, measured in bench:ingest).
 */
export function preparedInsert(open: () => Promise<SqliteDatabase>): InsertRows {
  const fallback = multiRowInsert(sqliteFlavor)
  // Statements by SQL text: a store writes a handful of shapes.
  const prepared = new Map<string, Statement>()
  return async (db, statement, rows, kinds) => {
    if (rows.length === 0) return
    const compiled = statement(sqliteFlavor.rowSource([kinds.map(() => null)], kinds)).compile(db)
    // A statement with parameters of its own besides the row's is left to the general way.
    if (compiled.parameters.length !== kinds.length) return fallback(db, statement, rows, kinds)
    let insert = prepared.get(compiled.sql)
    if (insert === undefined) {
      insert = (await open()).prepare(compiled.sql)
      prepared.set(compiled.sql, insert)
    }
    for (const row of rows) insert.run(...row)
  }
}
