import { execFile } from 'node:child_process'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { schemaText } from '../../../src/cli/schema/schema-command.js'
import type { Engine } from '../../../src/store/schema/table-shape.js'
import { serverUrl, storeTables } from '../../helpers/test-databases.js'
import { tempDir } from '../../helpers/temp-dir.js'
import { dropLedger, ownDatabase, recordFive } from './schema-tool-helpers.js'

const dir = tempDir()
const table = `sg_sql_${process.pid}`
const cli = resolve(import.meta.dirname, '../../../dist/cli.js')

/** The printed statements, one by one, comments left out. */
async function statements(engine: Engine): Promise<string[]> {
  const text = await schemaText({ for: 'sql', engine, table })
  return text
    .split(';\n')
    .map((statement) => statement.replace(/^--.*$/gm, '').trim())
    .filter((statement) => statement !== '')
}

/** Runs the printed statements on a SQLite file, whole: a trigger's body holds statements of its own. */
async function runOnSqlite(file: string): Promise<void> {
  const db = new Database(file)
  db.exec(await schemaText({ for: 'sql', engine: 'sqlite', table }))
  db.close()
}

/** A SQLite file of `name` in which the printed statements ran; its path. */
async function sqliteWithStatements(name: string): Promise<string> {
  const file = join(dir, name)
  await runOnSqlite(file)
  return file
}

const servers = { postgres: serverUrl('STATGRAPH_TEST_POSTGRES_URL'), mysql: serverUrl('STATGRAPH_TEST_MYSQL_URL') }
const cleanup: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const step of cleanup) await step()
})

/**
 * Plain SQL is also what Prisma Migrate keeps in its migration.sql files, and what a team that
 * reviews every DDL change reads: run here on each engine, then recorded into.
 */
describe('statgraph schema --for sql', () => {
  it('sqlite: the statements make tables statgraph records into with migrations off', async () => {
    const file = await sqliteWithStatements('sql.db')
    expect(await recordFive(file, table, dir)).toEqual({ hits: 5, written: 5 })
  })

  it("sqlite: migrations: 'auto' later finds the app's tables up to date, records its ledger and counts nothing twice", async () => {
    const file = await sqliteWithStatements('later-auto.db')
    expect(await recordFive(file, table, dir)).toEqual({ hits: 5, written: 5 })
    expect(await recordFive(file, table, dir, 'auto')).toEqual({ hits: 10, written: 5 })
    const after = new Database(file, { readonly: true })
    expect(after.prepare(`select count(*) as n from ${table}_statgraph_migration`).get()).toEqual({ n: 14 })
    expect(after.prepare(`select count(*) as n from sqlite_master where name = '${table}_rollup'`).get()).toEqual({ n: 0 })
    expect(after.prepare(`select count(*) as n from ${table}_statgraph_cell where writer = ''`).get()).toEqual({ n: 0 })
    after.close()
  })

  it("sqlite: migrations: 'auto' brings the app's tables of an older statgraph up to date without counting their rows twice", async () => {
    const file = await sqliteWithStatements('older.db')
    expect(await recordFive(file, table, dir)).toEqual({ hits: 5, written: 5 })
    // What a later statgraph added (the view over compact rows), not yet in the app's migrations.
    new Database(file).exec(`drop view ${table}`)
    expect(await recordFive(file, table, dir, 'auto')).toEqual({ hits: 10, written: 5 })
    const after = new Database(file, { readonly: true })
    expect(after.prepare(`select count(*) as n from ${table}`).get()).toEqual({ n: 10 })
    // No rollups rebuilt from the raw rows beside the ones written (as writer '', the migrations' past).
    expect(after.prepare(`select count(*) as n from ${table}_statgraph_cell where writer = ''`).get()).toEqual({ n: 0 })
    after.close()
  })

  it('sqlite: adopts the tables statgraph made, keeping their rows: the statements run over them change nothing', async () => {
    const file = join(dir, 'adopted.db')
    expect(await recordFive(file, table, dir, 'auto')).toEqual({ hits: 5, written: 5 })
    await dropLedger(file, table)
    await runOnSqlite(file)
    expect(await recordFive(file, table, dir)).toEqual({ hits: 10, written: 5 })
  })

  it.skipIf(servers.postgres === undefined)('postgres: adopts the tables statgraph made, keeping their rows', async () => {
    const database = await ownDatabase('sg_sql_adopted')
    expect(await recordFive(database, table, dir, 'auto')).toEqual({ hits: 5, written: 5 })
    await dropLedger(database, table)
    const pool = new pg.Pool({ connectionString: database })
    for (const statement of await statements('postgres')) await pool.query(statement)
    await pool.end()
    expect(await recordFive(database, table, dir)).toEqual({ hits: 10, written: 5 })
  })

  it.skipIf(servers.postgres === undefined)('postgres: the same', async () => {
    const pool = new pg.Pool({ connectionString: servers.postgres })
    cleanup.push(async () => {
      for (const name of storeTables(table)) await pool.query(`drop table if exists ${name}`)
      await pool.end()
    })
    for (const statement of await statements('postgres')) await pool.query(statement)
    expect(await recordFive(servers.postgres as string, table, dir)).toEqual({ hits: 5, written: 5 })
  })

  it.skipIf(servers.mysql === undefined)('mysql: the same', async () => {
    const connection = await mysql.createConnection(servers.mysql as string)
    cleanup.push(async () => {
      for (const name of storeTables(table)) await connection.query(`drop table if exists \`${name}\``)
      await connection.end()
    })
    for (const statement of await statements('mysql')) await connection.query(statement)
    expect(await recordFive(servers.mysql as string, table, dir)).toEqual({ hits: 5, written: 5 })
  })

  it('is a command: prints for the tool and engine asked, and refuses a table name that is not a plain SQL name', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'schema', '--for', 'sql', '--engine', 'postgres', '--table', 'hits'])
    expect(stdout).toContain('create table if not exists "hits" ("index" bigserial primary key')
    const refused = await promisify(execFile)(process.execPath, [cli, 'schema', '--for', 'sql', '--engine', 'sqlite', '--table', 'a"b']).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    )
    expect(refused?.code).toBe(2)
    expect(refused?.stderr).toContain('"--table" must be a plain SQL name')
  })
})
