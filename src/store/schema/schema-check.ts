import type { Kysely, TableMetadata } from 'kysely'
import { StatgraphError } from '../../errors/statgraph-error.js'
import { schemaShape } from './schema-shape.js'
import type { Engine } from './table-shape.js'

async function tablesIn(db: Kysely<unknown>, schema: string | undefined): Promise<TableMetadata[]> {
  return (await db.introspection.getTables()).filter((candidate) => schema === undefined || candidate.schema === schema)
}

/** Each table, column and view statgraph needs for `table` on `engine` that `found` lacks. */
async function missingFrom(found: readonly TableMetadata[], table: string, engine: Engine): Promise<string[]> {
  const missing: string[] = []
  const shape = await schemaShape(engine, table)
  for (const { name, columns } of shape.tables) {
    const have = found.find((candidate) => candidate.name === name && !candidate.isView)
    if (have === undefined) missing.push(`table "${name}"`)
    else for (const column of columns) if (!have.columns.some((existing) => existing.name === column.name)) missing.push(`column "${name}"."${column.name}"`)
  }
  for (const { name } of shape.views) if (!found.some((candidate) => candidate.name === name && candidate.isView)) missing.push(`view "${name}"`)
  return missing
}

/**
 * Checks, without creating anything, that `db` has every table, column and view statgraph needs for
 * `table` (`migrations: 'off'`); throws a StatgraphError naming each one missing, and what to do.
 */
export async function checkSchema(db: Kysely<unknown>, table: string, schema: string | undefined, engine: Engine): Promise<void> {
  const missing = await missingFrom(await tablesIn(db, schema), table, engine)
  if (missing.length === 0) return
  throw new StatgraphError(
    'STATGRAPH_SCHEMA_MISSING',
    `statgraph: migrations are off, and the database lacks ${missing.join(', ')}. Create them in your own migrations (\`npx statgraph schema --for <your tool>\` prints them), or start statgraph once with migrations: 'auto'; until then nothing is recorded.`,
  )
}

/**
 * Whether the app's own migrations made the tables: every one is there, but not statgraph's
 * ledger of its migrations. Such tables are up to date, and `migrations: 'auto'` only records so:
 * the migrations' data steps are for tables statgraph made, and would count rollups twice here.
 */
export async function madeElsewhere(db: Kysely<unknown>, table: string, schema: string | undefined, engine: Engine): Promise<boolean> {
  const found = await tablesIn(db, schema)
  if (found.some((candidate) => candidate.name === `${table}_statgraph_migration`)) return false
  return (await missingFrom(found, table, engine)).length === 0
}
