import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { count } from 'drizzle-orm'
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3'
import { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { camel } from '../../../src/cli/schema/code-names.js'
import type { Engine } from '../../../src/store/schema/table-shape.js'
import { tempDir } from '../../helpers/temp-dir.js'
import { dropLedger, ENGINES, ownDatabase, project, recordFive, runBin } from './schema-tool-helpers.js'

const dir = tempDir()
const table = 'request'

/**
 * A Drizzle project on `engine` whose schema is what statgraph printed, with drizzle-kit's config,
 * on a database of its own: push weighs every table and sequence of the database it is given.
 */
async function drizzleProject(engine: Engine, name: string) {
  const app = project(dir, `${name}-${engine}`, 'schema.ts', 'drizzle', engine, table)
  const schemaFile = await app.write()
  const database = engine === 'sqlite' ? join(app.folder, 'app.db') : await ownDatabase(`sg_drizzle_${name}`)
  const config = join(app.folder, 'drizzle.config.ts')
  const settings = {
    dialect: engine === 'sqlite' ? 'sqlite' : 'postgresql',
    schema: schemaFile,
    // Relative: drizzle-kit's `generate --custom` prefixes `./` to the folder it is given.
    out: './drizzle',
    dbCredentials: { url: database },
  }
  writeFileSync(config, `export default ${JSON.stringify(settings)}\n`)
  return {
    ...app,
    database,
    kit: (command: string, ...args: string[]) => runBin(app.folder, 'drizzle-kit/bin.cjs', [command, '--config', config, ...args]),
    /** The printed views' statements, where there are any, in a custom migration of drizzle-kit's, as the printed comment says. */
    async customViews() {
      const { statgraphViewStatements } = (await import(schemaFile)) as { statgraphViewStatements?: string[] }
      if (statgraphViewStatements === undefined) return
      const folder = join(app.folder, 'drizzle')
      const before = new Set(readdirSync(folder))
      await runBin(app.folder, 'drizzle-kit/bin.cjs', ['generate', '--custom', '--name', 'statgraph-views', '--config', config])
      const made = readdirSync(folder).find((entry) => entry.endsWith('.sql') && !before.has(entry)) as string
      writeFileSync(join(folder, made), statgraphViewStatements.join('\n--> statement-breakpoint\n'))
    },
    /** Five requests recorded through Drizzle's client, and the rows Drizzle counts then. */
    async recordThroughClient() {
      const schema = await import(schemaFile)
      const db = engine === 'sqlite' ? drizzleSqlite(new Database(database)) : drizzlePostgres(new pg.Pool({ connectionString: database }))
      try {
        const recorded = await recordFive(db.$client, table, dir)
        return { recorded, rows: (await (db as ReturnType<typeof drizzleSqlite>).select({ n: count() }).from(schema[camel(table)]))[0]?.n }
      } finally {
        await (engine === 'sqlite' ? (db.$client as Database.Database).close() : (db.$client as pg.Pool).end())
      }
    },
  }
}

describe('statgraph schema --for drizzle', () => {
  it.each(ENGINES)(
    '%s: drizzle-kit migrates the printed tables, statgraph records into them through Drizzle’s client, and push finds no drift',
    async (engine) => {
      const app = await drizzleProject(engine, 'fresh')
      expect(await app.kit('generate')).toMatch(/migration file.*drizzle/)
      await app.customViews()
      expect(await app.kit('migrate')).toMatch(/migrations applied successfully/)
      expect(await app.recordThroughClient()).toEqual({ recorded: { hits: 5, written: 5 }, rows: 5 })
      expect(await app.kit('push', '--strict=false')).toMatch(/No changes detected/)
    },
  )

  // Not with push: drizzle-kit reads a SQLite key column not declared `not null` as a change and
  // rebuilds the table, and on PostgreSQL reads composite keys out of order (drizzle-orm#6193).
  it.each(ENGINES)(
    '%s: adopts the tables statgraph made, keeping their rows: the first migration, made to skip what exists, applies over them',
    async (engine) => {
      const app = await drizzleProject(engine, 'adopted')
      expect(await recordFive(app.database, table, dir, 'auto')).toEqual({ hits: 5, written: 5 })
      await dropLedger(app.database, table)
      await app.kit('generate')
      for (const name of readdirSync(join(app.folder, 'drizzle')).filter((entry) => entry.endsWith('.sql'))) {
        const path = join(app.folder, 'drizzle', name)
        writeFileSync(path, readFileSync(path, 'utf8').replace(/CREATE (TABLE|INDEX|UNIQUE INDEX) /g, 'CREATE $1 IF NOT EXISTS '))
      }
      await app.customViews()
      expect(await app.kit('migrate')).toMatch(/migrations applied successfully/)
      expect(await app.recordThroughClient()).toEqual({ recorded: { hits: 10, written: 5 }, rows: 10 })
    },
  )
})
