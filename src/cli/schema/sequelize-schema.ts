import type { ColumnShape, Engine, SchemaShape } from '../../store/schema/table-shape.js'
import { columnKind } from './column-kind.js'
import { camel, quote } from './code-names.js'
import { entityKey } from './table-keys.js'
import { viewStatementsExport } from './view-statements.js'

/**
 * The tables as Sequelize models for `engine`: a function defining them on the app's `Sequelize`
 * instance, without timestamps and with statgraph's column names (`field`). Sequelize names no
 * primary-key constraint, and wants a primary key in every model: where statgraph keys a table by
 * a unique index alone (SQLite's sketches), its columns are the primary key.
 */
export function sequelizeSchema(shape: SchemaShape, engine: Engine): string {
  const { tables } = shape
  const models = tables.map((table) => {
    const { columns: key, fromIndex } = entityKey(table)
    const attributes = table.columns.map((column) => {
      const options = [`type: ${dataType(column, engine)}`, `field: ${quote(column.name)}`]
      if (key.includes(column.name)) options.push('primaryKey: true')
      options.push(`allowNull: ${!column.notNull && !key.includes(column.name)}`)
      if (column.generated) options.push('autoIncrement: true')
      if (column.default !== undefined) options.push(`defaultValue: ${JSON.stringify(column.default)}`)
      return `      ${camel(column.name)}: { ${options.join(', ')} },`
    })
    const indexes = table.indexes
      .filter((index) => !(fromIndex && index.unique))
      .map((index) => `{ name: ${quote(index.name)}, fields: [${index.columns.map(quote).join(', ')}]${index.unique ? ', unique: true' : ''} }`)
    const options = [`tableName: ${quote(table.name)}`, 'timestamps: false', `indexes: [${indexes.join(', ')}]`]
    if (engine === 'mysql' && table.options !== undefined) options.push("charset: 'utf8mb4'", "collate: 'utf8mb4_bin'")
    return `    ${camel(table.name)}: sequelize.define(\n      ${quote(table.name)},\n      {\n${attributes.map((line) => `  ${line}`).join('\n')}\n      },\n      { ${options.join(', ')} },\n    ),`
  })
  return [
    "import { DataTypes } from 'sequelize'",
    '',
    "/** statgraph's tables as models of `sequelize`. @param {import('sequelize').Sequelize} sequelize */",
    `export function defineStatgraphModels(sequelize) {\n  return {\n${models.join('\n')}\n  }\n}`,
    // Views (SQLite's `request`) are left out of the models, which `sync` would make as tables.
    viewStatementsExport(shape, 'run them after `sync` or in a migration (`queryInterface.sequelize.query`)'),
  ].join('\n')
}

function dataType(column: ColumnShape, engine: Engine): string {
  const kind = columnKind(column)
  switch (kind.kind) {
    case 'varchar':
      return `DataTypes.STRING(${kind.length})`
    case 'integer':
      return engine === 'sqlite' ? 'DataTypes.INTEGER' : 'DataTypes.BIGINT'
    case 'real':
      return engine === 'sqlite' ? 'DataTypes.REAL' : 'DataTypes.DOUBLE'
    case 'date':
      return engine === 'mysql' ? 'DataTypes.DATE(3)' : 'DataTypes.DATE'
    case 'boolean':
      return 'DataTypes.BOOLEAN'
    default:
      return 'DataTypes.TEXT'
  }
}
