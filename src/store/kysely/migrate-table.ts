import { type Kysely, Migrator } from 'kysely'
import { StatgraphError } from '../../errors/statgraph-error.js'
import { requestMigrations } from './request-migrations.js'
import { alertMigrations } from './alert-migration.js'
import type { SqlFlavor } from './sql-flavor.js'

/**
 * Brings `table` and the tables beside it to the latest version (see {@link requestMigrations}),
 * under the engine's migration lock; `buildRollups` fills new rollup tables from the raw rows.
 * `recordOnly`: the tables are up to date already (made by the app's own migrations), and the
 * migrations are only recorded as run.
 */
export async function migrateTable(
  db: Kysely<unknown>,
  table: string,
  schema: string | undefined,
  flavor: SqlFlavor,
  options: { recordOnly: boolean },
  buildRollups: (db: Kysely<unknown>) => Promise<void>,
): Promise<void> {
  const steps = { ...requestMigrations(table, flavor, schema, buildRollups), ...alertMigrations(table, flavor, schema) }
  const migrations = options.recordOnly ? Object.fromEntries(Object.keys(steps).map((name) => [name, { up: async () => {} }])) : steps
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: `${table}_statgraph_migration`,
    migrationLockTableName: `${table}_statgraph_migration_lock`,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  })
  const { error } = await migrator.migrateToLatest()
  if (error !== undefined) {
    // statgraph's own errors already say what to do.
    if (error instanceof Error && error.message.startsWith('statgraph:')) throw error
    throw new StatgraphError('STATGRAPH_MIGRATION_FAILED', `statgraph: migrating table "${table}" failed: ${String(error)}`, { cause: error })
  }
}
