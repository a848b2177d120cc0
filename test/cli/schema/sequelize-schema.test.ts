import { pathToFileURL } from 'node:url'
import { type Model, type ModelStatic, Sequelize } from 'sequelize'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../helpers/temp-dir.js'
import { dropLedger, ownDatabase, postgresUrl, project, recordFive } from './schema-tool-helpers.js'

const dir = tempDir()
const table = 'request'
type Models = Record<string, ModelStatic<Model>>

/** The printed models, defined on a Sequelize instance of a PostgreSQL database of the test's own. */
async function sequelizeProject(name: string) {
  const app = project(dir, name, 'statgraph-models.mjs', 'sequelize', 'postgres', table)
  const file = await app.write()
  const database = await ownDatabase(`sg_sequelize_${name}`)
  const { defineStatgraphModels } = (await import(pathToFileURL(file).href)) as { defineStatgraphModels: (sequelize: Sequelize) => Models }
  const sequelize = new Sequelize(database, { logging: false })
  return { database, sequelize, models: defineStatgraphModels(sequelize) }
}

/** Sequelize has no drift report: each model's attributes, against its table as Sequelize describes it. */
async function expectNoDrift(sequelize: Sequelize, models: Models): Promise<void> {
  for (const model of Object.values(models)) {
    const described = await sequelize.getQueryInterface().describeTable(model.getTableName())
    const declared = Object.values(model.getAttributes()).map((attribute) => [attribute.field, attribute.allowNull !== false, attribute.primaryKey === true])
    const found = Object.entries(described).map(([name, column]) => [name, column.allowNull, column.primaryKey])
    expect(found, model.name).toEqual(declared)
  }
}

// Sequelize reaches SQLite only through the sqlite3 package, which downloads a binary when installed: PostgreSQL only here.
describe.skipIf(postgresUrl === undefined)('statgraph schema --for sequelize', () => {
  it('postgres: sync makes the printed models, statgraph records into them, and every model matches its table', async () => {
    const { database, sequelize, models } = await sequelizeProject('fresh')
    try {
      await sequelize.sync()
      expect(await recordFive(database, table, dir)).toEqual({ hits: 5, written: 5 })
      expect(await (models.request as ModelStatic<Model>).count()).toBe(5)
      await expectNoDrift(sequelize, models)
    } finally {
      await sequelize.close()
    }
  })

  it('postgres: adopts the tables statgraph made, keeping their rows: sync leaves them as they are', async () => {
    const { database, sequelize, models } = await sequelizeProject('adopted')
    try {
      expect(await recordFive(database, table, dir, 'auto')).toEqual({ hits: 5, written: 5 })
      await dropLedger(database, table)
      await sequelize.sync()
      await expectNoDrift(sequelize, models)
      expect(await recordFive(database, table, dir)).toEqual({ hits: 10, written: 5 })
      expect(await (models.request as ModelStatic<Model>).count()).toBe(10)
    } finally {
      await sequelize.close()
    }
  })
})
