import { pathToFileURL } from 'node:url'
import { type Model, type ModelStatic, Sequelize } from 'sequelize'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../helpers/temp-dir.js'
import { dropAfterwards, postgresUrl, project, recordWithMigrationsOff } from './schema-tool-helpers.js'

const dir = tempDir()
const table = `sg_sequelize_${process.pid}`
dropAfterwards(table)

// Sequelize reaches SQLite only through the sqlite3 package, which downloads a binary when installed: PostgreSQL only here.
describe.skipIf(postgresUrl === undefined)('statgraph schema --for sequelize', () => {
  it('postgres: sync makes the printed models, statgraph records into them, and every model matches its table as Sequelize describes it', async () => {
    const app = project(dir, 'postgres', 'statgraph-models.mjs', 'sequelize', 'postgres', table)
    const file = await app.write()
    const { defineStatgraphModels } = (await import(pathToFileURL(file).href)) as {
      defineStatgraphModels: (sequelize: Sequelize) => Record<string, ModelStatic<Model>>
    }
    const sequelize = new Sequelize(postgresUrl as string, { logging: false })
    try {
      const models = defineStatgraphModels(sequelize)
      for (const model of Object.values(models)) await model.sync()

      expect(await recordWithMigrationsOff(postgresUrl as string, table, dir)).toEqual({ hits: 5, written: 5 })
      expect(await (models[`sgSequelize${process.pid}`] as ModelStatic<Model>).count()).toBe(5)

      for (const model of Object.values(models)) {
        const described = await sequelize.getQueryInterface().describeTable(model.getTableName())
        const declared = Object.values(model.getAttributes()).map((attribute) => [
          attribute.field,
          attribute.allowNull !== false,
          attribute.primaryKey === true,
        ])
        const found = Object.entries(described).map(([name, column]) => [name, column.allowNull, column.primaryKey])
        expect(found, model.name).toEqual(declared)
      }
    } finally {
      await sequelize.close()
    }
  })
})
