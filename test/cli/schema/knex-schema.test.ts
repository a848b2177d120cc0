import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import knex from 'knex'
import { Kysely } from 'kysely'
import { BetterSQLite3ColdDialect, KyselyKnexDialect, PGColdDialect } from 'kysely-knex'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../helpers/temp-dir.js'
import { dropAfterwards, ENGINES, postgresUrl, project, recordWithMigrationsOff, runBin } from './schema-tool-helpers.js'

const dir = tempDir()
const table = `sg_knex_${process.pid}`
const ledger = `knex_migrations_${process.pid}`
dropAfterwards(table, [ledger, `${ledger}_lock`])

describe('statgraph schema --for knex', () => {
  it.each(ENGINES)('%s: knex migrate:latest makes the printed tables, statgraph records into them through Knex’s pool, nothing is pending', async (engine) => {
    const app = project(dir, engine, 'migrations/20261201000000_statgraph.mjs', 'knex', engine, table)
    await app.write()
    const connection = engine === 'sqlite' ? { filename: join(app.folder, 'app.db') } : postgresUrl
    const config = {
      client: engine === 'sqlite' ? 'better-sqlite3' : 'pg',
      connection,
      useNullAsDefault: true,
      migrations: { directory: join(app.folder, 'migrations'), loadExtensions: ['.mjs'], tableName: ledger },
    }
    writeFileSync(join(app.folder, 'knexfile.mjs'), `export default ${JSON.stringify(config)}\n`)
    const cli = ['knex/bin/cli.js']
    expect(await runBin(app.folder, cli[0] as string, ['migrate:latest', '--knexfile', 'knexfile.mjs'])).toMatch(/Batch 1 run: 1 migrations/)

    const db = knex(config)
    try {
      // Knex's own pool, through Kysely's Knex dialect.
      const kysely = new Kysely({
        dialect: new KyselyKnexDialect({ knex: db, kyselySubDialect: engine === 'sqlite' ? new BetterSQLite3ColdDialect() : new PGColdDialect() }),
      })
      expect(await recordWithMigrationsOff(kysely, table, dir)).toEqual({ hits: 5, written: 5 })
      expect(await db(table).count({ n: '*' })).toEqual([{ n: engine === 'sqlite' ? 5 : '5' }])
    } finally {
      await db.destroy()
    }
    expect(await runBin(app.folder, cli[0] as string, ['migrate:status', '--knexfile', 'knexfile.mjs'])).toMatch(/No Pending Migration files Found/)
  })
})
