import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { PGlite } from '@electric-sql/pglite'
import Database from 'better-sqlite3'
import { DummyDriver, Kysely, MssqlAdapter, MssqlIntrospector, MssqlQueryCompiler, SqliteDialect } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import mysql from 'mysql2'
import mysqlPromise from 'mysql2/promise'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { MysqlStore } from '../../src/store/mysql/mysql-store.js'
import { openStore } from '../../src/store/open-store.js'
import { sqliteFile } from '../../src/store/sqlite/sqlite-engine.js'
import { PostgresStore } from '../../src/store/postgres/postgres-store.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'

const root = new URL('../../', import.meta.url).pathname
const hook = new URL('../fixtures/without-packages.mjs', import.meta.url).pathname
const name = { table: 'request' }
const closing: { end(): unknown }[] = []
afterAll(async () => {
  for (const handle of closing) await handle.end()
})

describe('openStore', () => {
  it('picks the engine from a URL or a path', () => {
    expect(openStore('postgres://u@db.example/app', name)).toBeInstanceOf(PostgresStore)
    expect(openStore('postgresql://u@db.example/app', name)).toBeInstanceOf(PostgresStore)
    expect(openStore('mysql://u@db.example/app', name)).toBeInstanceOf(MysqlStore)
    expect(openStore('mariadb://u@db.example/app', name)).toBeInstanceOf(MysqlStore)
    expect(openStore('./statistics.db', name)).toBeInstanceOf(SqliteStore)
    expect(sqliteFile('./statistics.db')).toBe('./statistics.db')
    expect(sqliteFile('postgres://u@db.example/app')).toBeUndefined()
    expect(sqliteFile(':memory:')).toBeUndefined()
  })

  it('picks the engine of a pool or Kysely instance the app passes in', () => {
    const pgPool = new pg.Pool({ connectionString: 'postgres://u@127.0.0.1:1/app' })
    const mysqlPool = mysql.createPool({ uri: 'mysql://u@127.0.0.1:1/app' })
    const mysqlPromisePool = mysqlPromise.createPool({ uri: 'mysql://u@127.0.0.1:1/app' })
    closing.push(pgPool, mysqlPool, mysqlPromisePool)
    expect(openStore(pgPool, name)).toBeInstanceOf(PostgresStore)
    expect(openStore(mysqlPool, name)).toBeInstanceOf(MysqlStore)
    expect(openStore(mysqlPromisePool, name)).toBeInstanceOf(MysqlStore)
    const sqlite = new Database(':memory:')
    expect(openStore(sqlite, name)).toBeInstanceOf(SqliteStore)
    expect(openStore(new Kysely({ dialect: new SqliteDialect({ database: sqlite }) }), name)).toBeInstanceOf(SqliteStore)
    expect(openStore(new Kysely({ dialect: new PGliteDialect(new PGlite()) }), name)).toBeInstanceOf(PostgresStore)
  })

  it('refuses what it cannot store into, saying what it takes', () => {
    const mssql = new Kysely({
      dialect: {
        createAdapter: () => new MssqlAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new MssqlIntrospector(db),
        createQueryCompiler: () => new MssqlQueryCompiler(),
      },
    })
    expect(() => openStore(mssql, name)).toThrow(/talks to an engine statgraph has no store for.*SQLite, PostgreSQL or MySQL/)
    expect(() => openStore({} as never, name)).toThrow(/must be a SQLite file path, a postgres:\/\/ or mysql:\/\/ URL/)
    expect(() => openStore('', name)).toThrow(/empty string/)
    expect(() => openStore('redis://127.0.0.1/0', name)).toThrow(/no engine takes "redis:\/\/" URLs/)
  })

  it.each([
    ['postgres://u@127.0.0.1:1/app', 'pg', /a postgres:\/\/ database needs the pg package: install it with `npm install pg`/],
    ['mysql://u@127.0.0.1:1/app', 'mysql2', /a mysql:\/\/ database needs the mysql2 package: install it with `npm install mysql2`/],
  ])('names the driver to install when %s is used without it', async (url, driver, message) => {
    const code = `
      import { PostgresStore, MysqlStore } from 'statgraph'
      const url = ${JSON.stringify(url)}
      const store = url.startsWith('postgres') ? new PostgresStore({ database: url }) : new MysqlStore({ database: url })
      await store.migrate().catch((error) => console.log(error.message))`
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', hook, '--input-type=module', '-e', code], {
      cwd: root,
      env: { ...process.env, HIDE_PACKAGES: driver },
    })
    expect(stdout).toMatch(message)
  })
})
