import type { ColumnShape, Engine, SchemaShape, TableShape } from '../../store/schema/table-shape.js'
import { columnKind } from './column-kind.js'
import { camel, quote } from './code-names.js'
import { singleKey } from './table-keys.js'
import { viewStatementsExport } from './view-statements.js'

const CORE: Record<Engine, { module: string; table: string; view: string }> = {
  sqlite: { module: 'drizzle-orm/sqlite-core', table: 'sqliteTable', view: 'sqliteView' },
  postgres: { module: 'drizzle-orm/pg-core', table: 'pgTable', view: 'pgView' },
  mysql: { module: 'drizzle-orm/mysql-core', table: 'mysqlTable', view: 'mysqlView' },
}

/** The tables (and views) as Drizzle objects for `engine`, one `export const` each, and the views' statements. */
export function drizzleSchema(shape: SchemaShape, engine: Engine): string {
  const { tables } = shape
  const used = new Set<string>([CORE[engine].table])
  const bodies = tables.map((table) => tableObject(table, engine, used))
  // Views drizzle-kit leaves alone (`existing`): the app's migration makes them with the statements below.
  const views = shape.views.map((view) => {
    used.add(CORE[engine].view)
    const columns = view.columns.map(
      ({ name, type }) => `  ${camel(name)}: ${columnBuilder({ name, type, generated: false, notNull: false }, engine, false, used)},`,
    )
    return `export const ${camel(view.name)} = ${CORE[engine].view}(${quote(view.name)}, {\n${columns.join('\n')}\n}).existing()`
  })
  const imports = `import { ${[...used].sort().join(', ')} } from '${CORE[engine].module}'`
  const statements = viewStatementsExport(
    shape,
    'put them in a custom migration after the tables (`drizzle-kit generate --custom`), one statement per `--> statement-breakpoint`',
  )
  return `${imports}\n\n${[...bodies, ...views].join('\n\n')}\n${statements}`
}

function tableObject(table: TableShape, engine: Engine, used: Set<string>): string {
  const single = singleKey(table)
  const columns = keyFirst(table).map((column) => `  ${camel(column.name)}: ${columnBuilder(column, engine, column.name === single, used)},`)
  const extras: string[] = []
  if (table.primaryKey.name !== undefined) {
    used.add('primaryKey')
    const keys = table.primaryKey.columns.map((name) => `table.${camel(name)}`).join(', ')
    extras.push(`primaryKey({ name: ${quote(table.primaryKey.name)}, columns: [${keys}] })`)
  }
  for (const index of table.indexes) {
    const builder = index.unique ? 'uniqueIndex' : 'index'
    used.add(builder)
    extras.push(`${builder}(${quote(index.name)}).on(${index.columns.map((name) => `table.${camel(name)}`).join(', ')})`)
  }
  const config = extras.length === 0 ? '' : `, (table) => [\n  ${extras.join(',\n  ')},\n]`
  return `export const ${camel(table.name)} = ${CORE[engine].table}(${quote(table.name)}, {\n${columns.join('\n')}\n}${config})`
}

/**
 * A composite key's columns first, in the key's order: drizzle-kit reads a key's columns in the
 * table's order, and would otherwise find drift in every key whose order differs (the sketches').
 */
function keyFirst(table: TableShape): ColumnShape[] {
  const key = table.primaryKey.name === undefined ? [] : table.primaryKey.columns
  const keyed = key.map((name) => table.columns.find((column) => column.name === name) as ColumnShape)
  return [...keyed, ...table.columns.filter((column) => !key.includes(column.name))]
}

function columnBuilder(column: ColumnShape, engine: Engine, primary: boolean, used: Set<string>): string {
  const [builder, options] = typeOf(column, engine)
  used.add(builder)
  let code = `${builder}(${quote(column.name)}${options === undefined ? '' : `, ${options}`})`
  if (column.generated && engine === 'mysql') code += '.autoincrement()'
  if (primary) code += column.generated && engine === 'sqlite' ? '.primaryKey({ autoIncrement: true })' : '.primaryKey()'
  else if (column.notNull) code += '.notNull()'
  if (column.default !== undefined) code += `.default(${JSON.stringify(column.default)})`
  return code
}

/** The Drizzle column builder of a column, and its options. */
function typeOf(column: ColumnShape, engine: Engine): [string, string?] {
  const kind = columnKind(column)
  if (kind.kind === 'varchar') return engine === 'sqlite' ? ['text', `{ length: ${kind.length} }`] : ['varchar', `{ length: ${kind.length} }`]
  if (engine === 'sqlite') return [kind.kind === 'real' ? 'real' : kind.kind === 'integer' ? 'integer' : 'text']
  const number = "{ mode: 'number' }"
  switch (kind.kind) {
    case 'integer':
      return [column.type === 'bigserial' ? 'bigserial' : 'bigint', number]
    case 'real':
      return [engine === 'postgres' ? 'doublePrecision' : 'double']
    case 'date':
      return engine === 'postgres' ? ['timestamp', "{ withTimezone: true, mode: 'date' }"] : ['datetime', "{ fsp: 3, mode: 'date' }"]
    default:
      return [kind.kind]
  }
}
