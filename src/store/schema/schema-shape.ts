import { Kysely, MysqlAdapter, MysqlQueryCompiler, PostgresAdapter, PostgresQueryCompiler, SqliteAdapter, SqliteQueryCompiler } from 'kysely'
import { migrateTable } from '../kysely/migrate-table.js'
import type { SqlFlavor } from '../kysely/sql-flavor.js'
import { mysqlFlavor } from '../mysql/mysql-flavor.js'
import { postgresFlavor } from '../postgres/postgres-flavor.js'
import { sqliteFlavor } from '../sqlite/sqlite-flavor.js'
import { type EngineSql, ShapeDialect } from './shape-dialect.js'
import type { Engine, SchemaShape } from './table-shape.js'

/** Each engine's SQL compiler, and its flavor of statgraph's migrations. */
export const ENGINE_SQL: Record<Engine, EngineSql & { flavor: SqlFlavor }> = {
  sqlite: { adapter: () => new SqliteAdapter(), compiler: () => new SqliteQueryCompiler(), flavor: sqliteFlavor },
  postgres: { adapter: () => new PostgresAdapter(), compiler: () => new PostgresQueryCompiler(), flavor: postgresFlavor },
  // Converting text to a collation that keeps trailing spaces depends on the server's version;
  // the shape keeps the binary collation the tables are made with (see the schema command's notes).
  mysql: { adapter: () => new MysqlAdapter(), compiler: () => new MysqlQueryCompiler(), flavor: { ...mysqlFlavor, keepTrailingSpaces: undefined } },
}

/**
 * Every table and view statgraph keeps for `table` on `engine`, as its migrations leave them: found by
 * running those very migrations on a {@link ShapeDialect}, so that what the schema command prints
 * and what the check of `migrations: 'off'` expects can never disagree with them. Kysely's
 * migration tables are left out: an app that runs its own migrations has none of ours.
 */
export async function schemaShape(engine: Engine, table: string): Promise<SchemaShape> {
  const { flavor, ...sql } = ENGINE_SQL[engine]
  const dialect = new ShapeDialect(sql)
  const db = new Kysely<unknown>({ dialect })
  try {
    await migrateTable(db, table, undefined, flavor, { recordOnly: false }, async () => undefined)
  } finally {
    await db.destroy()
  }
  return {
    tables: [...dialect.tables.values()].filter((shape) => !shape.name.startsWith(`${table}_statgraph_migration`)),
    views: [...dialect.views.values()],
  }
}
