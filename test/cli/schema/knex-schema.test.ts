import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import knex from 'knex'
import { Kysely } from 'kysely'
import { BetterSQLite3ColdDialect, KyselyKnexDialect, PGColdDialect } from 'kysely-knex'
import { describe, expect, it } from 'vitest'
import type { Engine } from '../../../src/store/schema/table-shape.js'
import { tempDir } from '../../helpers/temp-dir.js'
import { dropLedger, ENGINES, ownDatabase, project, recordFive, runBin } from './schema-tool-helpers.js'

const dir = tempDir()
const table = 'request'

/** A Knex project on `engine` with the printed migration and a knexfile, on a database of its own. */
async function knexProject(engine: Engine, name: string) {
  const app = project(dir, `${name}-${engine}`, 'migrations/20261201000000_statgraph.mjs', 'knex', engine, table)
  await app.write()
  const database = engine === 'sqlite' ? join(app.folder, 'app.db') : await ownDatabase(`sg_knex_${name}`)
  const config = {
    client: engine === 'sqlite' ? 'better-sqlite3' : 'pg',
    connection: engine === 'sqlite' ? { filename: database } : database,
    useNullAsDefault: true,
    migrations: { directory: join(app.folder, 'migrations'), loadExtensions: ['.mjs'] },
  }
  writeFileSync(join(app.folder, 'knexfile.mjs'), `export default ${JSON.stringify(config)}\n`)
  return {
    database,
    cli: (command: string) => runBin(app.folder, 'knex/bin/cli.js', [command, '--knexfile', 'knexfile.mjs']),
    /** Records five requests through Knex's own pool (by Kysely's Knex dialect); the rows Knex counts then. */
    async recordThroughKnex(): Promise<{ hits: number; written: number; rows: number }> {
      const db = knex(config)
      try {
        const kysely = new Kysely({
          dialect: new KyselyKnexDialect({ knex: db, kyselySubDialect: engine === 'sqlite' ? new BetterSQLite3ColdDialect() : new PGColdDialect() }),
        })
        const recorded = await recordFive(kysely, table, dir)
        const [counted] = await db(table).count({ n: '*' })
        return { ...recorded, rows: Number(counted?.n) }
      } finally {
        await db.destroy()
      }
    },
  }
}

describe('statgraph schema --for knex', () => {
  it.each(ENGINES)('%s: knex migrate:latest makes the printed tables, statgraph records into them through Knex’s pool, nothing is pending', async (engine) => {
    const app = await knexProject(engine, 'fresh')
    expect(await app.cli('migrate:latest')).toMatch(/Batch 1 run: 1 migrations/)
    expect(await app.recordThroughKnex()).toEqual({ hits: 5, written: 5, rows: 5 })
    expect(await app.cli('migrate:status')).toMatch(/No Pending Migration files Found/)
  })

  it.each(ENGINES)('%s: adopts the tables statgraph made, keeping their rows: the migration skips the tables that exist', async (engine) => {
    const app = await knexProject(engine, 'adopted')
    expect(await recordFive(app.database, table, dir, 'auto')).toEqual({ hits: 5, written: 5 })
    await dropLedger(app.database, table)
    expect(await app.cli('migrate:latest')).toMatch(/Batch 1 run: 1 migrations/)
    expect(await app.recordThroughKnex()).toEqual({ hits: 10, written: 5, rows: 10 })
    expect(await app.cli('migrate:status')).toMatch(/No Pending Migration files Found/)
  })
})
