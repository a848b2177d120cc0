import type { Kysely } from 'kysely'
import { StatgraphError } from '../../errors/statgraph-error.js'
import { schemaShape } from './schema-shape.js'

/**
 * Checks, without creating anything, that `db` has every table and column statgraph needs for
 * `table` (`migrations: 'off'`); throws a StatgraphError naming each one missing, and what to do.
 * Names only: every engine's migrations make the same ones.
 */
export async function checkSchema(db: Kysely<unknown>, table: string, schema: string | undefined): Promise<void> {
  const needed = await schemaShape('sqlite', table)
  const found = (await db.introspection.getTables()).filter((candidate) => schema === undefined || candidate.schema === schema)
  const missing: string[] = []
  for (const { name, columns } of needed) {
    const have = found.find((candidate) => candidate.name === name)
    if (have === undefined) missing.push(`table "${name}"`)
    else for (const column of columns) if (!have.columns.some((existing) => existing.name === column.name)) missing.push(`column "${name}"."${column.name}"`)
  }
  if (missing.length === 0) return
  throw new StatgraphError(
    'STATGRAPH_SCHEMA_MISSING',
    `statgraph: migrations are off, and the database lacks ${missing.join(', ')}. Create them in your own migrations (\`npx statgraph schema --for <your tool>\` prints them), or start statgraph once with migrations: 'auto'; until then nothing is recorded.`,
  )
}
