import type { ColumnShape, Engine, SchemaShape } from '../../store/schema/table-shape.js'
import { columnKind } from './column-kind.js'
import { camel, pascal, quote } from './code-names.js'
import { entityKey } from './table-keys.js'
import { viewStatementsExport } from './view-statements.js'

/**
 * The tables as TypeORM entity schemas for `engine` (`EntitySchema`: no decorators or
 * reflect-metadata, the same in JavaScript and TypeScript). TypeORM wants a primary key in every
 * entity: where statgraph keys a table by a unique index alone (SQLite's sketches), its columns are
 * the primary key, which keeps the same rows unique.
 */
export function typeormSchema(shape: SchemaShape, engine: Engine): string {
  const { tables } = shape
  const entities = tables.map((table) => {
    const { columns: key, fromIndex } = entityKey(table)
    const columns = table.columns.map((column) => {
      const options = [`name: ${quote(column.name)}`, ...typeOptions(column, engine)]
      if (key.includes(column.name)) {
        options.push('primary: true')
        if (table.primaryKey.name !== undefined) options.push(`primaryKeyConstraintName: ${quote(table.primaryKey.name)}`)
      } else if (!column.notNull) options.push('nullable: true')
      if (column.generated) options.push("generated: 'increment'")
      if (column.default !== undefined) options.push(`default: ${JSON.stringify(column.default)}`)
      return `    ${camel(column.name)}: { ${options.join(', ')} },`
    })
    const indices = table.indexes
      .filter((index) => !(fromIndex && index.unique))
      .map(
        (index) =>
          `    { name: ${quote(index.name)}, columns: [${index.columns.map((name) => quote(camel(name))).join(', ')}]${index.unique ? ', unique: true' : ''} },`,
      )
    const indexBlock = indices.length === 0 ? '' : `\n  indices: [\n${indices.join('\n')}\n  ],`
    return `export const ${pascal(table.name)} = new EntitySchema({\n  name: ${quote(table.name)},\n  tableName: ${quote(table.name)},\n  columns: {\n${columns.join('\n')}\n  },${indexBlock}\n})`
  })
  // Views TypeORM reads but never makes (`synchronize: false`): the app's migration makes them with the statements below.
  const views = shape.views.map((view) => {
    const columns = view.columns.map(
      (column) =>
        `    ${camel(column.name)}: { ${[`name: ${quote(column.name)}`, ...typeOptions(column, engine), column.generated ? 'primary: true' : 'nullable: true'].join(', ')} },`,
    )
    return `export const ${pascal(view.name)} = new EntitySchema({\n  name: ${quote(view.name)},\n  tableName: ${quote(view.name)},\n  synchronize: false,\n  columns: {\n${columns.join('\n')}\n  },\n})`
  })
  const statements = viewStatementsExport(shape, 'run them in a migration after the tables (`queryRunner.query`)')
  return `import { EntitySchema } from 'typeorm'\n\n${[...entities, ...views].join('\n\n')}\n${statements}`
}

function typeOptions(column: ColumnShape, engine: Engine): string[] {
  const kind = columnKind(column)
  if (kind.kind === 'varchar') return ["type: 'varchar'", `length: ${kind.length}`]
  if (kind.kind === 'date' && engine === 'mysql') return ["type: 'datetime'", 'precision: 3']
  if (kind.kind === 'date') return ["type: 'timestamptz'"]
  // TypeORM makes a generated bigint PostgreSQL's bigserial.
  return [`type: ${quote(column.type === 'bigserial' ? 'bigint' : column.type)}`]
}
