import type { ColumnShape } from '../../store/schema/table-shape.js'

/** What a column holds, as the tools' type names tell it; `length` for a `varchar`. */
export type ColumnKind = { kind: 'integer' | 'real' | 'text' | 'date' | 'boolean' } | { kind: 'varchar'; length: number }

/**
 * A column's kind from its SQL type. On SQLite dates are `text` and booleans `integer`, and so
 * they are for the tools too: the kind follows what the engine stores.
 */
export function columnKind(column: ColumnShape): ColumnKind {
  const varchar = /^varchar\((\d+)\)$/.exec(column.type)
  if (varchar !== null) return { kind: 'varchar', length: Number(varchar[1]) }
  const kind = KINDS[column.type]
  if (kind === undefined) throw new Error(`statgraph: the schema command does not know the column type "${column.type}" of "${column.name}"`)
  return { kind }
}

const KINDS: Record<string, 'integer' | 'real' | 'text' | 'date' | 'boolean'> = {
  integer: 'integer',
  bigint: 'integer',
  bigserial: 'integer',
  real: 'real',
  'double precision': 'real',
  text: 'text',
  timestamptz: 'date',
  'datetime(3)': 'date',
  boolean: 'boolean',
}
