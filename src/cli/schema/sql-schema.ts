import { DummyDriver, Kysely, sql } from 'kysely'
import { ENGINE_SQL } from '../../store/schema/schema-shape.js'
import type { Engine, SchemaShape } from '../../store/schema/table-shape.js'
import { singleKey } from './table-keys.js'

/**
 * The tables as plain SQL for `engine`: `create table` and `create index` statements, compiled by
 * Kysely's dialect of the engine. Each skips what exists (but MySQL's indexes: it has no `create
 * index if not exists`), so that the same file adopts tables statgraph made itself; then the views,
 * with their triggers.
 */
export function sqlSchema(shape: SchemaShape, engine: Engine): string {
  const { tables } = shape
  const { adapter, compiler } = ENGINE_SQL[engine]
  const db = new Kysely<unknown>({
    dialect: {
      createAdapter: adapter,
      createQueryCompiler: compiler,
      createDriver: () => new DummyDriver(),
      createIntrospector: () => {
        throw new Error('unused')
      },
    },
  })
  const statements: string[] = []
  for (const table of tables) {
    const single = singleKey(table)
    let create = db.schema.createTable(table.name).ifNotExists()
    for (const column of table.columns) {
      create = create.addColumn(column.name, sql.raw(column.type), (built) => {
        let definition = column.name === single ? built.primaryKey() : built
        if (column.generated && column.type !== 'bigserial') definition = definition.autoIncrement()
        if (column.notNull && column.name !== single) definition = definition.notNull()
        return column.default === undefined ? definition : definition.defaultTo(sql.lit(column.default))
      })
    }
    if (table.primaryKey.name !== undefined) create = create.addPrimaryKeyConstraint(table.primaryKey.name, table.primaryKey.columns as never)
    if (table.options !== undefined) create = create.modifyEnd(sql.raw(table.options))
    statements.push(create.compile().sql)
    for (const index of table.indexes) {
      const create = db.schema.createIndex(index.name).on(table.name).columns(index.columns)
      const made = engine === 'mysql' ? create : create.ifNotExists()
      statements.push((index.unique ? made.unique() : made).compile().sql)
    }
  }
  // Then the views over them, with their triggers (SQLite's `request` over compact rows).
  for (const view of shape.views) statements.push(...view.statements)
  return `${statements.map((statement) => `${statement};`).join('\n')}\n`
}
