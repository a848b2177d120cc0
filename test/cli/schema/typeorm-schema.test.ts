import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { DataSource } from 'typeorm'
import { describe, expect, it } from 'vitest'
import type { DatabaseOption } from '../../../src/store/open-store.js'
import type { Engine } from '../../../src/store/schema/table-shape.js'
import { tempDir } from '../../helpers/temp-dir.js'
import { dropLedger, ENGINES, ownDatabase, project, recordFive, runBin } from './schema-tool-helpers.js'

const dir = tempDir()
const table = 'request'

/** A TypeORM project (ESM) on `engine` with the printed entity schemas and a data source, on a database of its own. */
async function typeormProject(engine: Engine, name: string) {
  const app = project(dir, `${name}-${engine}`, 'statgraph-entities.mjs', 'typeorm', engine, table)
  await app.write()
  const database = engine === 'sqlite' ? join(app.folder, 'app.db') : await ownDatabase(`sg_typeorm_${name}`)
  const connection =
    engine === 'sqlite' ? `type: 'better-sqlite3', database: ${JSON.stringify(database)}` : `type: 'postgres', url: ${JSON.stringify(database)}`
  // An ESM project: the migration TypeORM writes (--esm --outputJs) is a .js module.
  writeFileSync(join(app.folder, 'package.json'), '{ "type": "module" }\n')
  writeFileSync(
    join(app.folder, 'data-source.mjs'),
    `import { DataSource } from 'typeorm'
import * as statgraph from './statgraph-entities.mjs'
export default new DataSource({ ${connection}, entities: Object.values(statgraph), migrations: ['migrations/*.js'] })
`,
  )
  return {
    database,
    cli: (...args: string[]) => runBin(app.folder, 'typeorm/cli.js', [...args, '-d', 'data-source.mjs']),
    /** A migration of the app's running the printed views' statements, where there are any, after the tables', as the printed comment says. */
    viewsMigration() {
      if (engine !== 'sqlite') return
      mkdirSync(join(app.folder, 'migrations'), { recursive: true })
      const at = Date.now() + 1000
      writeFileSync(
        join(app.folder, 'migrations', `${at}-statgraph-views.js`),
        `import { statgraphViewStatements } from '../statgraph-entities.mjs'
export class StatgraphViews${at} {
  async up(queryRunner) {
    for (const statement of statgraphViewStatements) await queryRunner.query(statement)
  }
  async down() {}
}
`,
      )
    },
    /** Records five requests through TypeORM's driver (its pg Pool, or its better-sqlite3 handle); the rows TypeORM counts then. */
    async recordThroughTypeorm(): Promise<{ hits: number; written: number; rows: number }> {
      const { default: source } = (await import(pathToFileURL(join(app.folder, 'data-source.mjs')).href)) as { default: DataSource }
      await source.initialize()
      try {
        const driver = source.driver as unknown as { master?: DatabaseOption; databaseConnection?: DatabaseOption }
        const recorded = await recordFive((driver.master ?? driver.databaseConnection) as DatabaseOption, table, dir)
        return { ...recorded, rows: await source.getRepository(table).count() }
      } finally {
        await source.destroy()
      }
    },
  }
}

describe('statgraph schema --for typeorm', () => {
  it.each(ENGINES)(
    '%s: migration:generate and migration:run make the printed entities, statgraph records through TypeORM’s driver, schema:log finds nothing to do',
    async (engine) => {
      const app = await typeormProject(engine, 'fresh')
      expect(await app.cli('migration:generate', 'migrations/statgraph', '--outputJs', '--esm')).toMatch(/has been generated successfully/)
      app.viewsMigration()
      expect(await app.cli('migration:run')).toMatch(/executed successfully/)
      expect(await app.recordThroughTypeorm()).toEqual({ hits: 5, written: 5, rows: 5 })
      expect(await app.cli('schema:log')).toMatch(/Your schema is up to date/)
    },
  )

  // On PostgreSQL the tables statgraph made are TypeORM's as they are. On SQLite, TypeORM declares
  // key columns `not null`, which SQLite's do not say, and keys the sketches by a primary key: its
  // migration rebuilds the tables, copying every row.
  it.each(ENGINES)('%s: adopts the tables statgraph made, keeping their rows', async (engine) => {
    const app = await typeormProject(engine, 'adopted')
    expect(await recordFive(app.database, table, dir, 'auto')).toEqual({ hits: 5, written: 5 })
    await dropLedger(app.database, table)
    if (engine === 'sqlite') {
      expect(await app.cli('migration:generate', 'migrations/statgraph', '--outputJs', '--esm')).toMatch(/has been generated successfully/)
      app.viewsMigration()
      expect(await app.cli('migration:run')).toMatch(/executed successfully/)
    }
    expect(await app.cli('schema:log')).toMatch(/Your schema is up to date/)
    expect(await app.recordThroughTypeorm()).toEqual({ hits: 10, written: 5, rows: 10 })
  })
})
