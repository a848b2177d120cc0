import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { DataSource } from 'typeorm'
import type { DatabaseOption } from '../../../src/store/open-store.js'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../helpers/temp-dir.js'
import { dropAfterwards, ENGINES, postgresUrl, project, recordWithMigrationsOff, runBin } from './schema-tool-helpers.js'

const dir = tempDir()
const table = `sg_typeorm_${process.pid}`
const ledger = `typeorm_migrations_${process.pid}`
dropAfterwards(table, [ledger])

/** The driver's own connection: a pg Pool, or a better-sqlite3 Database. */
function connectionOf(source: DataSource): DatabaseOption {
  const driver = source.driver as unknown as { master?: DatabaseOption; databaseConnection?: DatabaseOption }
  return (driver.master ?? driver.databaseConnection) as DatabaseOption
}

describe('statgraph schema --for typeorm', () => {
  it.each(ENGINES)(
    '%s: migration:generate and migration:run make the printed entities, statgraph records through TypeORM’s driver, schema:log finds nothing to do',
    async (engine) => {
      const app = project(dir, engine, 'statgraph-entities.mjs', 'typeorm', engine, table)
      await app.write()
      const connection =
        engine === 'sqlite'
          ? `type: 'better-sqlite3', database: ${JSON.stringify(join(app.folder, 'app.db'))}`
          : `type: 'postgres', url: ${JSON.stringify(postgresUrl)}`
      // An ESM project: the migration TypeORM writes (--esm --outputJs) is a .js module.
      writeFileSync(join(app.folder, 'package.json'), '{ "type": "module" }\n')
      writeFileSync(
        join(app.folder, 'data-source.mjs'),
        `import { DataSource } from 'typeorm'
import * as statgraph from './statgraph-entities.mjs'
export default new DataSource({ ${connection}, entities: Object.values(statgraph), migrations: ['migrations/*.js'], migrationsTableName: '${ledger}' })
`,
      )
      const cli = 'typeorm/cli.js'
      const source = ['-d', 'data-source.mjs']
      expect(await runBin(app.folder, cli, ['migration:generate', 'migrations/statgraph', '--outputJs', '--esm', ...source])).toMatch(
        /has been generated successfully/,
      )
      expect(await runBin(app.folder, cli, ['migration:run', ...source])).toMatch(/executed successfully/)

      const { default: dataSource } = (await import(pathToFileURL(join(app.folder, 'data-source.mjs')).href)) as { default: DataSource }
      await dataSource.initialize()
      try {
        expect(await recordWithMigrationsOff(connectionOf(dataSource), table, dir)).toEqual({ hits: 5, written: 5 })
        expect(await dataSource.getRepository(table).count()).toBe(5)
      } finally {
        await dataSource.destroy()
      }
      expect(await runBin(app.folder, cli, ['schema:log', ...source])).toMatch(/Your schema is up to date/)
    },
  )
})
