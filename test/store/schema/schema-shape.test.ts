import { join } from 'node:path'
import { Kysely, MysqlDialect, PostgresDialect, SqliteDialect, sql } from 'kysely'
import Database from 'better-sqlite3'
import mysql from 'mysql2'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { schemaShape } from '../../../src/store/schema/schema-shape.js'
import type { Engine, SchemaShape } from '../../../src/store/schema/table-shape.js'
import { openStore } from '../../../src/store/open-store.js'
import { serverUrl, storeTables } from '../../helpers/test-databases.js'
import { tempDir } from '../../helpers/temp-dir.js'

const dir = tempDir()
const table = `sg_shape_${process.pid}`

/** What a real database shows of each table: columns (name, nullable, generated) and index names. */
type Seen = Record<string, { columns: [string, boolean, boolean][]; indexes: string[] }>

/**
 * SQLite alone lets a key column not declared `not null` hold a null, and makes a lone `integer`
 * key the rowid, which Kysely reads as generated. A view's columns are all nullable, and it has no index.
 */
function expected(engine: Engine, shape: SchemaShape): Seen {
  const views = shape.views.map((view) => [view.name, { columns: view.columns.map((column) => [column.name, true, false]), indexes: [] }])
  return Object.fromEntries([
    ...views,
    ...shape.tables.map((one) => [
      one.name,
      {
        columns: one.columns.map((column) => {
          const key = engine !== 'sqlite' && one.primaryKey.columns.includes(column.name)
          const rowid = engine === 'sqlite' && column.type === 'integer' && one.primaryKey.name === undefined && one.primaryKey.columns[0] === column.name
          return [column.name, !column.notNull && !key, column.generated || rowid] as [string, boolean, boolean]
        }),
        indexes: one.indexes.map((index) => index.name).sort(),
      },
    ]),
  ])
}

async function seen(db: Kysely<unknown>, indexes: (name: string) => Promise<string[]>, schema?: string): Promise<Seen> {
  const tables = (await db.introspection.getTables()).filter(
    (found) => found.name.startsWith(table) && !found.name.includes('statgraph_migration') && (schema === undefined || found.schema === schema),
  )
  const result: Seen = {}
  for (const found of tables) {
    result[found.name] = {
      columns: found.columns.map((column) => [column.name, column.isNullable, column.isAutoIncrementing] as [string, boolean, boolean]),
      indexes: (await indexes(found.name)).sort(),
    }
  }
  return result
}

async function migrated(database: string): Promise<void> {
  const store = openStore(database, { table })
  await store.migrate()
  await store.close()
}

const cleanup: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const step of cleanup) await step()
})

describe('schemaShape: what the migrations leave, without a database', () => {
  it('matches a SQLite file the migrations made: tables, columns, nullability, generated ids, indexes', async () => {
    const file = join(dir, 'shape.db')
    await migrated(file)
    const handle = new Database(file, { readonly: true })
    const db = new Kysely<unknown>({ dialect: new SqliteDialect({ database: handle }) })
    const indexes = async (name: string) => {
      const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = ${name} and sql is not null`.execute(db)
      return rows.map((row) => row.name)
    }
    expect(await seen(db, indexes)).toEqual(expected('sqlite', await schemaShape('sqlite', table)))
    const types = (await db.introspection.getTables())
      .find((found) => found.name === `${table}_statgraph_cell`)
      ?.columns.map((column) => column.dataType.toLowerCase())
    expect(types).toEqual(
      (await schemaShape('sqlite', table)).tables.find((shape) => shape.name === `${table}_statgraph_cell`)?.columns.map((column) => column.type),
    )
    await db.destroy()
  })

  const postgresUrl = serverUrl('STATGRAPH_TEST_POSTGRES_URL')
  it.skipIf(postgresUrl === undefined)('matches a PostgreSQL database the migrations made', async () => {
    const pool = new pg.Pool({ connectionString: postgresUrl })
    cleanup.push(async () => {
      for (const name of storeTables(table)) await pool.query(`drop table if exists ${name}`)
      await pool.end()
    })
    await migrated(postgresUrl as string)
    const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: postgresUrl }) }) })
    const indexes = async (name: string) => {
      const { rows } = await sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = 'public' and tablename = ${name}
        and indexname not in (select conname from pg_constraint where contype = 'p')`.execute(db)
      return rows.map((row) => row.name)
    }
    expect(await seen(db, indexes, 'public')).toEqual(expected('postgres', await schemaShape('postgres', table)))
    await db.destroy()
  })

  const mysqlUrl = serverUrl('STATGRAPH_TEST_MYSQL_URL')
  it.skipIf(mysqlUrl === undefined)('matches a MySQL database the migrations made', async () => {
    const pool = mysql.createPool(mysqlUrl as string)
    const db = new Kysely<unknown>({ dialect: new MysqlDialect({ pool }) })
    cleanup.push(async () => {
      for (const name of storeTables(table)) await sql`drop table if exists ${sql.table(name)}`.execute(db)
      await db.destroy()
    })
    await migrated(mysqlUrl as string)
    const indexes = async (name: string) => {
      const { rows } = await sql<{ name: string }>`select distinct index_name as name from information_schema.statistics
        where table_schema = database() and table_name = ${name} and index_name <> 'PRIMARY'`.execute(db)
      return rows.map((row) => row.name)
    }
    expect(await seen(db, indexes)).toEqual(expected('mysql', await schemaShape('mysql', table)))
  })
})
