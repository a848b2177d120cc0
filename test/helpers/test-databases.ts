import { rollupTableNames } from '../../src/store/kysely/rollup-tables.js'
import { alertTableNames } from '../../src/store/kysely/alert-migration.js'
import { deploymentTableNames } from '../../src/store/kysely/deployment-tables.js'
import { compactTableNames } from '../../src/store/sqlite/compact-rows.js'

/**
 * The URL of a database server the tests may use, from the environment. Without it the server's
 * tests are skipped — except under `CI=true`, where `.ci/run` sets it and a missing one is a failure.
 */
export function serverUrl(variable: 'STATGRAPH_TEST_POSTGRES_URL' | 'STATGRAPH_TEST_MYSQL_URL'): string | undefined {
  const url = process.env[variable]
  if (url !== undefined && url !== '') return url
  if (process.env.CI === 'true') throw new Error(`${variable} is not set; under CI=true the server's tests must run (.ci/run sets it)`)
  return undefined
}

/** The tables a store on `table` makes (and those older versions made), for cleaning up after a test. */
export function storeTables(table: string): string[] {
  return [
    table,
    ...Object.values(rollupTableNames(table)),
    ...Object.values(deploymentTableNames(table)),
    ...Object.values(alertTableNames(table)),
    ...Object.values(compactTableNames(table)),
    `${table}_statgraph_import`,
    `${table}_statgraph_migration`,
    `${table}_statgraph_migration_lock`,
    `${table}_rollup`,
    `${table}_rollup_sketch`,
    `${table}_visitor`,
    `${table}_statgraph_lock`,
  ]
}
