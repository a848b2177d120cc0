import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { count } from 'drizzle-orm'
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3'
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../helpers/temp-dir.js'
import { dropAfterwards, ENGINES, postgresUrl, project, recordWithMigrationsOff, runBin } from './schema-tool-helpers.js'

const dir = tempDir()
const table = `sg_drizzle_${process.pid}`
const migrationsTable = `drizzle_migrations_${process.pid}`
dropAfterwards(table, [`drizzle.${migrationsTable}`])

describe('statgraph schema --for drizzle', () => {
  it.each(ENGINES)(
    '%s: drizzle-kit migrates the printed tables, statgraph records into them through Drizzle’s client, and push finds no drift',
    async (engine) => {
      const app = project(dir, engine, 'schema.ts', 'drizzle', engine, table)
      const schemaFile = await app.write()
      const file = join(app.folder, 'app.db')
      const credentials = engine === 'sqlite' ? { url: file } : { url: postgresUrl }
      const config = join(app.folder, 'drizzle.config.ts')
      const settings = {
        dialect: engine === 'sqlite' ? 'sqlite' : 'postgresql',
        schema: schemaFile,
        out: join(app.folder, 'drizzle'),
        dbCredentials: credentials,
        // Only this test's tables: the test database holds other tests' too.
        tablesFilter: [`${table}*`],
        migrations: { table: migrationsTable },
      }
      writeFileSync(config, `export default ${JSON.stringify(settings)}\n`)
      const kit = 'drizzle-kit/bin.cjs'
      expect(await runBin(app.folder, kit, ['generate', '--config', config])).toMatch(/migration file.*drizzle/)
      expect(await runBin(app.folder, kit, ['migrate', '--config', config])).toMatch(/migrations applied successfully/)

      const schema = await import(schemaFile)
      const db = engine === 'sqlite' ? drizzleSqlite(new Database(file)) : drizzlePostgres(new pg.Pool({ connectionString: postgresUrl }))
      try {
        expect(await recordWithMigrationsOff(db.$client, table, dir)).toEqual({ hits: 5, written: 5 })
        // Drizzle reads statgraph's rows through the printed table object.
        const requests = schema[`sgDrizzle${process.pid}`]
        const [rows] = await (db as ReturnType<typeof drizzleSqlite>).select({ n: count() }).from(requests)
        expect(rows).toEqual({ n: 5 })
      } finally {
        if (engine === 'sqlite') (db.$client as Database.Database).close()
        else await (db.$client as pg.Pool).end()
      }
      expect(await runBin(app.folder, kit, ['push', '--config', config, '--strict=false'])).toMatch(/No changes detected/)
    },
  )
})
