import { join } from 'node:path'
import Database from 'better-sqlite3'
import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import type { Logger } from '../../../src/log/logger.js'
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js'
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js'
import pg from 'pg'
import { serverUrl, storeTables } from '../../helpers/test-databases.js'
import { startApp } from '../../helpers/express-app.js'
import { tempDir } from '../../helpers/temp-dir.js'
import { poll } from '../../helpers/wait-for.js'

const dir = tempDir()
let fileNumber = 0
const newFile = () => join(dir, `schema-${++fileNumber}.db`)
const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

/** The DDL statgraph's migrations ran on a file of its own, as an app's migration tool would run it: Kysely's migration tables left out. */
async function ownMigrations(): Promise<string[]> {
  const reference = newFile()
  const store = new SqliteStore({ database: reference })
  await store.migrate()
  await store.close()
  const db = new Database(reference, { readonly: true })
  try {
    const rows = db
      .prepare("select sql from sqlite_master where sql is not null and name not like '%statgraph_migration%' and name not like 'sqlite_%' order by rowid")
      .all() as { sql: string }[]
    return rows.map((row) => row.sql)
  } finally {
    db.close()
  }
}

describe("migrations: 'off'", () => {
  it('runs no DDL, names every missing table and column, keeps the app serving, and records once they are made', async () => {
    const file = newFile()
    const errors: string[] = []
    const logger: Logger = { error: (message) => errors.push(message), warn: (message) => errors.push(message), info: () => {} }
    const app = await startApp(express, dir, { database: file, migrations: 'off', logger, recorder: { flushInterval: 50 } }, (app) => {
      app.get('/hello', (_req, res) => {
        res.send('hello')
      })
    })
    cleanup.push(() => app.close())
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${app.url}/hello`)
      expect(await response.text()).toBe('hello')
    }
    await expect(app.stats.flush()).rejects.toThrow(
      /migrations are off, and the database lacks table "request_statgraph_import", .*table "request_statgraph_alert".*table "request_statgraph_row", table "request_statgraph_compact", view "request"\. .*start statgraph once with migrations: 'auto'/,
    )
    expect(app.stats.health()).toMatchObject({ state: 'failing', buffered: 5 })
    expect(errors.join('\n')).toContain('table "request_statgraph_release"')
    // Nothing was created.
    const probe = new Database(file, { readonly: true })
    expect(probe.prepare('select count(*) as n from sqlite_master').get()).toEqual({ n: 0 })
    probe.close()

    // The app's own migrations make the tables: what was kept in memory is written, and more.
    const db = new Database(file)
    for (const statement of await ownMigrations()) db.exec(statement)
    db.close()
    await (await fetch(`${app.url}/hello`)).arrayBuffer()
    await poll(
      async () => app.stats.counts(),
      (counts) => counts.written === 6 && counts.buffered === 0,
      'the buffered requests written',
    )
    const written = new Database(file, { readonly: true })
    expect(written.prepare("select count(*) as n from request where path = '/hello'").get()).toEqual({ n: 6 })
    written.close()
  })

  it('names a missing column and a missing table of a schema made before, and changes nothing', async () => {
    const file = newFile()
    const auto = new SqliteStore({ database: file })
    await auto.migrate()
    await auto.close()
    const db = new Database(file)
    db.exec('alter table request_statgraph_runtime drop column rss; drop table request_statgraph_alert')
    db.close()
    const off = new SqliteStore({ database: file, migrations: 'off' })
    cleanup.push(() => off.close())
    const failure = await off.migrate().then(
      () => undefined,
      (error: unknown) => error as Error & { code?: string },
    )
    expect(failure?.code).toBe('STATGRAPH_SCHEMA_MISSING')
    expect(failure?.message).toMatch(/the database lacks column "request_statgraph_runtime"."rss", table "request_statgraph_alert"\. /)
    const after = new Database(file, { readonly: true })
    expect(after.prepare("select count(*) as n from sqlite_master where name = 'request_statgraph_alert'").get()).toEqual({ n: 0 })
    after.close()
  })
})

const postgresUrl = serverUrl('STATGRAPH_TEST_POSTGRES_URL')

describe.skipIf(postgresUrl === undefined)("migrations: 'off' on PostgreSQL", () => {
  it('names the missing column and table, and changes nothing', async () => {
    const table = `sg_off_${process.pid}`
    const pool = new pg.Pool({ connectionString: postgresUrl })
    cleanup.push(async () => {
      for (const name of storeTables(table)) await pool.query(`drop table if exists ${name}`)
      await pool.end()
    })
    const auto = new PostgresStore({ database: postgresUrl as string, table })
    await auto.migrate()
    await auto.close()
    await pool.query(`alter table ${table} drop column route; drop table ${table}_statgraph_lease`)
    const off = new PostgresStore({ database: postgresUrl as string, table, migrations: 'off' })
    cleanup.push(() => off.close())
    await expect(off.migrate()).rejects.toThrow(`the database lacks column "${table}"."route", table "${table}_statgraph_lease". `)
    const { rows } = await pool.query('select count(*)::int as n from information_schema.tables where table_name = $1', [`${table}_statgraph_lease`])
    expect(rows).toEqual([{ n: 0 }])
  })
})
