import type { Engine, SchemaShape } from '../../store/schema/table-shape.js'
import { quote, template } from './code-names.js'
import { singleKey } from './table-keys.js'

/**
 * The tables as a Knex migration for `engine` (JavaScript with JSDoc types: a `.mjs` file, or `.js`
 * in an ESM project). Columns use the engine's own type names (`specificType`), as statgraph's
 * migrations do. A table that exists is left as it is, so that the migration adopts tables
 * statgraph made itself; the views (with their triggers) follow in SQL; `down` drops the views, then
 * the tables, last made first.
 */
export function knexSchema(shape: SchemaShape, engine: Engine): string {
  const { tables } = shape
  const creates = tables.map((table) => {
    const single = singleKey(table)
    const lines = table.columns.map((column) => {
      let line: string
      if (column.generated) line = `table.${engine === 'sqlite' ? 'increments' : 'bigIncrements'}(${quote(column.name)}, { primaryKey: true })`
      else {
        line = `table.specificType(${quote(column.name)}, ${quote(column.type)})`
        if (column.name === single) line += '.primary()'
        if (column.notNull) line += '.notNullable()'
        if (column.default !== undefined) line += `.defaultTo(${JSON.stringify(column.default)})`
      }
      return line
    })
    if (table.primaryKey.name !== undefined) {
      lines.push(`table.primary([${table.primaryKey.columns.map(quote).join(', ')}], ${quote(table.primaryKey.name)})`)
    }
    for (const index of table.indexes) {
      const columns = `[${index.columns.map(quote).join(', ')}]`
      lines.push(index.unique ? `table.unique(${columns}, { indexName: ${quote(index.name)} })` : `table.index(${columns}, ${quote(index.name)})`)
    }
    if (engine === 'mysql' && table.options !== undefined) lines.push("table.charset('utf8mb4')", "table.collate('utf8mb4_bin')")
    const body = lines.map((line) => `      ${line}`).join('\n')
    return `  if (!(await knex.schema.hasTable(${quote(table.name)}))) {\n    await knex.schema.createTable(${quote(table.name)}, (table) => {\n${body}\n    })\n  }`
  })
  // Then the views over them, with their triggers: SQL statements Knex runs as they are.
  const views = shape.views.flatMap((view) => view.statements).map((statement) => `  await knex.raw(${template(statement)})`)
  const drops = [
    ...shape.views.map((view) => `  await knex.schema.dropViewIfExists(${quote(view.name)})`),
    ...[...tables].reverse().map((table) => `  await knex.schema.dropTableIfExists(${quote(table.name)})`),
  ]
  return [
    '/** @param {import("knex").Knex} knex */',
    `export async function up(knex) {\n${[...creates, ...views].join('\n')}\n}`,
    '',
    '/** @param {import("knex").Knex} knex */',
    `export async function down(knex) {\n${drops.join('\n')}\n}`,
    '',
  ].join('\n')
}
