import { PrismaPg } from '@prisma/adapter-pg'
import wasm from '@prisma/prisma-schema-wasm'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { schemaText } from '../../../src/cli/schema/schema-command.js'
import { schemaShape } from '../../../src/store/schema/schema-shape.js'
import { tempDir } from '../../helpers/temp-dir.js'
import { ownDatabase, postgresUrl, recordFive } from './schema-tool-helpers.js'

const dir = tempDir()

const table = 'request'
const PROVIDER = { sqlite: 'sqlite', postgres: 'postgresql', mysql: 'mysql' } as const

interface DmmfField {
  name: string
  dbName: string | null
  kind: string
  isRequired: boolean
  isId: boolean
  nativeType: [string, string[]] | null
}
interface Dmmf {
  datamodel: {
    models: { name: string; dbName: string | null; fields: DmmfField[]; primaryKey: { name: string | null; fields: string[] } | null }[]
    indexes: { model: string; type: string; dbName?: string; fields: { name: string }[] }[]
  }
}

/**
 * Prisma Migrate needs Prisma's schema engine, a binary its packages download when installed,
 * which this project never does: the printed models are checked with Prisma's own schema parser
 * (its WebAssembly build) instead, against the tables the migrations make.
 */
describe('statgraph schema --for prisma', () => {
  it.each(['sqlite', 'postgres', 'mysql'] as const)(
    '%s: Prisma validates the printed models, and they map every table, column, key and index',
    async (engine) => {
      const models = await schemaText({ for: 'prisma', engine, table })
      const schema = `datasource db {\n  provider = "${PROVIDER[engine]}"\n}\n\n${models}`
      const params = JSON.stringify({ prismaSchema: [['schema.prisma', schema]], noColorDiagnostics: true })
      expect(() => wasm.validate(params)).not.toThrow()
      const { datamodel } = JSON.parse(wasm.get_dmmf(params)) as Dmmf

      const shape = (await schemaShape(engine, table)).tables
      expect(datamodel.models.map((model) => model.dbName)).toEqual(shape.map((one) => one.name))
      for (const one of shape) {
        const model = datamodel.models.find((candidate) => candidate.dbName === one.name)
        if (model === undefined) throw new Error(`no model for ${one.name}`)
        const columnOf = (name: string) => {
          const field = model.fields.find((candidate) => candidate.name === name)
          return field?.dbName ?? field?.name
        }
        const fields = model.fields.filter((field) => field.kind === 'scalar')
        expect(fields.map((field) => field.dbName ?? field.name)).toEqual(one.columns.map((column) => column.name))
        for (const column of one.columns) {
          const field = fields.find((candidate) => (candidate.dbName ?? candidate.name) === column.name) as DmmfField
          const keyed = one.primaryKey.columns.includes(column.name)
          expect(field.isRequired, `${one.name}.${column.name}`).toBe(column.notNull || keyed)
          const varchar = /^varchar\((\d+)\)$/.exec(column.type)
          if (varchar !== null && engine !== 'sqlite') expect(field.nativeType).toEqual(['VarChar', [varchar[1]]])
        }
        const key =
          one.primaryKey.name === undefined
            ? fields.filter((field) => field.isId).map((field) => field.dbName ?? field.name)
            : model.primaryKey?.fields.map(columnOf)
        expect(key, `${one.name}'s key`).toEqual(one.primaryKey.columns)
        const indexes = datamodel.indexes
          .filter((index) => index.model === model.name && (index.type === 'normal' || index.type === 'unique'))
          .map((index) => [index.dbName, index.type === 'unique', index.fields.map((field) => columnOf(field.name))])
        expect(indexes).toEqual(one.indexes.map((index) => [index.name, index.unique, index.columns]))
      }
    },
  )

  it.skipIf(postgresUrl === undefined)('postgres: one pool for Prisma’s driver adapter and statgraph, which records through it', async () => {
    const database = await ownDatabase('sg_prisma')
    const pool = new pg.Pool({ connectionString: database })
    try {
      // The tables as a Prisma migration.sql would make them.
      await pool.query(await schemaText({ for: 'sql', engine: 'postgres', table }))
      const adapter = await new PrismaPg(pool).connect()
      expect(await recordFive(pool, table, dir)).toEqual({ hits: 5, written: 5 })
      const counted = await adapter.queryRaw({ sql: `select count(*)::int as n from ${table}`, args: [], argTypes: [] })
      expect(counted.rows).toEqual([[5]])
      await adapter.dispose()
    } finally {
      await pool.end()
    }
  })
})
