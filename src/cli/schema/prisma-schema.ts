import type { ColumnShape, Engine, SchemaShape, TableShape } from '../../store/schema/table-shape.js'
import { columnKind } from './column-kind.js'
import { camel, pascal } from './code-names.js'
import { singleKey } from './table-keys.js'

/**
 * The tables as Prisma models for `engine`, each mapped (`@@map`, `@map`) to statgraph's names.
 * Integers are `BigInt`: times are milliseconds since 1970, past `Int`'s 32 bits.
 */
export function prismaSchema(shape: SchemaShape, engine: Engine): string {
  const { tables } = shape
  // A schema file declares no triggers: the views' statements go in a migration of their own.
  const statements = shape.views.flatMap((view) => view.statements)
  const views =
    statements.length === 0
      ? ''
      : `\n// The views over these tables and their triggers, read with plain SQL (\`$queryRaw\`): put these statements\n// in a migration after the tables' (\`prisma migrate dev --create-only\`).\n${statements.map((statement) => statement.replace(/^/gm, '// ')).join(';\n')};\n`
  return `${tables.map((table) => model(table, engine)).join('\n\n')}\n${views}`
}

function model(table: TableShape, engine: Engine): string {
  const single = singleKey(table)
  const fields = table.columns.map((column) => {
    const attributes: string[] = []
    if (column.name === single) attributes.push('@id')
    if (column.generated) attributes.push('@default(autoincrement())')
    else if (column.default !== undefined) attributes.push(`@default(${prismaValue(column)})`)
    attributes.push(nativeType(column, engine))
    if (camel(column.name) !== column.name) attributes.push(`@map("${column.name}")`)
    const optional = column.notNull || column.name === single ? '' : '?'
    return [camel(column.name), `${fieldType(column, engine)}${optional}`, ...attributes.filter((attribute) => attribute !== '')]
  })
  const list = (names: readonly string[]) => `[${names.map(camel).join(', ')}]`
  const blocks: string[] = []
  // Named constraints are PostgreSQL's alone among the three, in Prisma.
  const named = (name: string) => (engine === 'postgres' ? `, map: "${name}"` : '')
  if (table.primaryKey.name !== undefined) blocks.push(`@@id(${list(table.primaryKey.columns)}${named(table.primaryKey.name)})`)
  for (const index of table.indexes) blocks.push(`@@${index.unique ? 'unique' : 'index'}(${list(index.columns)}, map: "${index.name}")`)
  blocks.push(`@@map("${table.name}")`)
  const widths = [0, 1].map((at) => Math.max(...fields.map((field) => (field[at] as string).length)))
  const lines = fields.map((field) => `  ${field.map((part, at) => (at < 2 && at < field.length - 1 ? part.padEnd(widths[at] as number) : part)).join(' ')}`)
  return `model ${pascal(table.name)} {\n${lines.join('\n')}\n\n${blocks.map((block) => `  ${block}`).join('\n')}\n}`
}

function fieldType(column: ColumnShape, engine: Engine): string {
  const kind = columnKind(column).kind
  if (kind === 'integer') return engine === 'sqlite' && column.generated ? 'Int' : 'BigInt'
  if (kind === 'real') return 'Float'
  if (kind === 'boolean') return 'Boolean'
  if (kind === 'date') return 'DateTime'
  return 'String'
}

/** The `@db.` attribute where Prisma's default type for the field is not the column's. */
function nativeType(column: ColumnShape, engine: Engine): string {
  const kind = columnKind(column)
  if (engine === 'sqlite') return ''
  if (kind.kind === 'varchar') return `@db.VarChar(${kind.length})`
  if (kind.kind === 'date') return engine === 'postgres' ? '@db.Timestamptz(6)' : '@db.DateTime(3)'
  if (kind.kind === 'text' && engine === 'mysql') return '@db.Text'
  return ''
}

/** A default in Prisma's terms: MySQL's boolean default is written `0`, Prisma's `false`. */
function prismaValue(column: ColumnShape): string {
  if (typeof column.default === 'string') return JSON.stringify(column.default)
  return columnKind(column).kind === 'boolean' ? String(Boolean(column.default)) : String(column.default)
}
