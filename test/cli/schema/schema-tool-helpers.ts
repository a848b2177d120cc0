import { execFile } from 'node:child_process'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import express from 'express'
import pg from 'pg'
import { afterAll } from 'vitest'
import { schemaText } from '../../../src/cli/schema/schema-command.js'
import type { DatabaseOption } from '../../../src/store/open-store.js'
import type { Engine } from '../../../src/store/schema/table-shape.js'
import { startApp } from '../../helpers/express-app.js'
import { serverUrl } from '../../helpers/test-databases.js'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '../../..')

export const postgresUrl = serverUrl('STATGRAPH_TEST_POSTGRES_URL')

/** The engines a tool's test runs on: SQLite always, PostgreSQL where a server is given. */
export const ENGINES = (['sqlite', 'postgres'] as const).filter((engine) => engine === 'sqlite' || postgresUrl !== undefined)

/**
 * A project folder for a tool, with what `statgraph schema` printed in `file`: the repository's
 * node_modules linked in, so that the printed imports resolve as they do in an app.
 */
export function project(dir: string, name: string, file: string, tool: Parameters<typeof schemaText>[0]['for'], engine: Engine, table: string) {
  const folder = join(dir, name)
  mkdirSync(folder, { recursive: true })
  symlinkSync(join(root, 'node_modules'), join(folder, 'node_modules'))
  const printed = schemaText({ for: tool, engine, table })
  return {
    folder,
    async write(): Promise<string> {
      const path = join(folder, file)
      mkdirSync(join(path, '..'), { recursive: true })
      writeFileSync(path, await printed)
      return path
    },
  }
}

/** Runs a package's command line in `cwd`; its output, both streams. */
export async function runBin(cwd: string, bin: string, args: string[]): Promise<string> {
  const { stdout, stderr } = await run(process.execPath, [join(root, 'node_modules', bin), ...args], {
    cwd,
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1' },
  })
  return `${stdout}${stderr}`
}

/**
 * An Express app on `database` (a file, URL or the tool's own connection), with
 * `migrations: 'off'` unless told: five requests, flushed, and the dashboard's count of all.
 */
export async function recordFive(
  database: DatabaseOption,
  table: string,
  dir: string,
  migrations: 'auto' | 'off' = 'off',
): Promise<{ hits: number; written: number }> {
  const app = await startApp(express, dir, { database, table, migrations, recorder: { flushInterval: 50 } }, (app) => {
    app.get('/hello', (_req, res) => {
      res.send('hello')
    })
  })
  try {
    for (let i = 0; i < 5; i++) await (await fetch(`${app.url}/hello?i=${i}`)).text()
    await app.stats.flush()
    const stats = (await (await fetch(`${app.url}/statistics/api/stats`)).json()) as { hits: number }
    return { hits: stats.hits, written: app.stats.counts().written }
  } finally {
    await app.close()
  }
}

/** Adopting tables statgraph made: its ledger of its own migrations dropped, as the README says (tools see it as drift). */
export async function dropLedger(database: string, table: string): Promise<void> {
  const statements = [`drop table ${table}_statgraph_migration`, `drop table ${table}_statgraph_migration_lock`]
  if (database.startsWith('postgres')) {
    const pool = new pg.Pool({ connectionString: database })
    for (const statement of statements) await pool.query(statement)
    await pool.end()
  } else {
    const db = new Database(database)
    for (const statement of statements) db.exec(statement)
    db.close()
  }
}

const ownDatabases: string[] = []
afterAll(async () => {
  if (ownDatabases.length === 0) return
  const pool = new pg.Pool({ connectionString: postgresUrl })
  for (const database of ownDatabases) await pool.query(`drop database if exists ${database} with (force)`)
  await pool.end()
})

/** A PostgreSQL database of the test's own on the test server, dropped after the file's tests: its URL. */
export async function ownDatabase(name: string): Promise<string> {
  const database = `${name}_${process.pid}`
  const admin = new pg.Pool({ connectionString: postgresUrl })
  await admin.query(`drop database if exists ${database} with (force)`)
  await admin.query(`create database ${database}`)
  await admin.end()
  ownDatabases.push(database)
  const url = new URL(postgresUrl as string)
  url.pathname = `/${database}`
  return url.href
}
