import type { TableShape } from '../../store/schema/table-shape.js'

/** The column a table is keyed by alone, declared on the column itself; undefined for a named, composite key. */
export function singleKey(table: TableShape): string | undefined {
  return table.primaryKey.name === undefined ? table.primaryKey.columns[0] : undefined
}

/**
 * The key of an ORM entity, which must have a primary key: the table's, or where statgraph keys a
 * table by a unique index alone (SQLite's sketches) that index's columns. `fromIndex` says which.
 */
export function entityKey(table: TableShape): { columns: readonly string[]; fromIndex: boolean } {
  if (table.primaryKey.columns.length > 0) return { columns: table.primaryKey.columns, fromIndex: false }
  return { columns: table.indexes.find((index) => index.unique)?.columns ?? [], fromIndex: true }
}
