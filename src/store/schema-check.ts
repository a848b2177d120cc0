import { Kysely, SqliteDialect } from 'kysely'
import { StatgraphError } from '../errors/statgraph-error.js'
import { importDriver } from './import-driver.js'
import { migrateTable } from './kysely/migrate-table.js'
import { sqliteFlavor } from './sqlite/sqlite-flavor.js'

/** The tables statgraph uses beside `table`, and their columns, by name. */
type Tables = Map<string, Set<string>>

const expected = new Map<string, Promise<Tables>>()

/**
 * The tables and columns statgraph's migrations make for `table`: found by running those very
 * migrations on an empty in-memory SQLite database and reading what they made, so that the check
 * can never disagree with them. Names only: every engine makes the same ones. Kysely's own
 * migration tables are left out, as an app that runs its own migrations has none of ours.
 */
function expectedTables(table: string): Promise<Tables> {
  let tables = expected.get(table)
  if (tables === undefined) {
    tables = (async () => {
      // Loaded only here: an app on a server database, where better-sqlite3 may not load, needs it only with migrations off.
      const { default: Sqlite } = await importDriver<{ default: typeof import('better-sqlite3') }>(
        'better-sqlite3',
        "migrations: 'off' reads statgraph's migrations through better-sqlite3 (a dependency); reinstall statgraph where it runs",
      )
      const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Sqlite(':memory:') }) })
      try {
        await migrateTable(db, table, undefined, sqliteFlavor, async () => undefined)
        return await tablesOf(db, undefined, (name) => !name.startsWith(`${table}_statgraph_migration`))
      } finally {
        await db.destroy()
      }
    })()
    expected.set(table, tables)
  }
  return tables
}

async function tablesOf(db: Kysely<unknown>, schema: string | undefined, keep: (name: string) => boolean): Promise<Tables> {
  const found = await db.introspection.getTables()
  return new Map(
    found
      .filter((candidate) => (schema === undefined || candidate.schema === schema) && keep(candidate.name))
      .map((candidate) => [candidate.name, new Set(candidate.columns.map((column) => column.name))]),
  )
}

/**
 * Checks, without creating anything, that `db` has every table and column statgraph needs for
 * `table` (`migrations: 'off'`); throws a StatgraphError naming each one missing, and what to do.
 */
export async function checkSchema(db: Kysely<unknown>, table: string, schema: string | undefined): Promise<void> {
  const needed = await expectedTables(table)
  const found = await tablesOf(db, schema, (name) => needed.has(name))
  const missing: string[] = []
  for (const [name, columns] of needed) {
    const have = found.get(name)
    if (have === undefined) missing.push(`table "${name}"`)
    else for (const column of columns) if (!have.has(column)) missing.push(`column "${name}"."${column}"`)
  }
  if (missing.length === 0) return
  throw new StatgraphError(
    'STATGRAPH_SCHEMA_MISSING',
    `statgraph: migrations are off, and the database lacks ${missing.join(', ')}. Create them in your own migrations, or start statgraph once with migrations: 'auto' to create them; until then nothing is recorded.`,
  )
}
