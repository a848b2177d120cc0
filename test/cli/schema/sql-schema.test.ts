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
import { recordWithMigrationsOff } from './schema-tool-helpers.js'

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
    const file = join(dir, 'sql.db')
    const db = new Database(file)
    for (const statement of await statements('sqlite')) db.exec(statement)
    db.close()
    expect(await recordWithMigrationsOff(file, table, dir)).toEqual({ hits: 5, written: 5 })
  })

  it.skipIf(servers.postgres === undefined)('postgres: the same', async () => {
    const pool = new pg.Pool({ connectionString: servers.postgres })
    cleanup.push(async () => {
      for (const name of storeTables(table)) await pool.query(`drop table if exists ${name}`)
      await pool.end()
    })
    for (const statement of await statements('postgres')) await pool.query(statement)
    expect(await recordWithMigrationsOff(servers.postgres as string, table, dir)).toEqual({ hits: 5, written: 5 })
  })

  it.skipIf(servers.mysql === undefined)('mysql: the same', async () => {
    const connection = await mysql.createConnection(servers.mysql as string)
    cleanup.push(async () => {
      for (const name of storeTables(table)) await connection.query(`drop table if exists \`${name}\``)
      await connection.end()
    })
    for (const statement of await statements('mysql')) await connection.query(statement)
    expect(await recordWithMigrationsOff(servers.mysql as string, table, dir)).toEqual({ hits: 5, written: 5 })
  })

  it('is a command: prints for the tool and engine asked, and refuses a table name that is not a plain SQL name', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [cli, 'schema', '--for', 'sql', '--engine', 'postgres', '--table', 'hits'])
    expect(stdout).toContain('create table "hits" ("index" bigserial primary key')
    const refused = await promisify(execFile)(process.execPath, [cli, 'schema', '--for', 'sql', '--engine', 'sqlite', '--table', 'a"b']).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    )
    expect(refused?.code).toBe(2)
    expect(refused?.stderr).toContain('"--table" must be a plain SQL name')
  })
})
