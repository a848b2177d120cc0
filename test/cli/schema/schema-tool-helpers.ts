import { execFile } from 'node:child_process'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import express from 'express'
import pg from 'pg'
import { afterAll } from 'vitest'
import { schemaText } from '../../../src/cli/schema/schema-command.js'
import type { DatabaseOption } from '../../../src/store/open-store.js'
import type { Engine } from '../../../src/store/schema/table-shape.js'
import { startApp } from '../../helpers/express-app.js'
import { serverUrl, storeTables } from '../../helpers/test-databases.js'

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
 * An Express app on `database` (a file, URL or the tool's own connection) with
 * `migrations: 'off'`: five requests, flushed, and the dashboard's answer for them.
 */
export async function recordWithMigrationsOff(database: DatabaseOption, table: string, dir: string): Promise<{ hits: number; written: number }> {
  const app = await startApp(express, dir, { database, table, migrations: 'off', recorder: { flushInterval: 50 } }, (app) => {
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

/** Drops, after the file's tests, statgraph's tables for `table` and `others` from the PostgreSQL test database. */
export function dropAfterwards(table: string, others: string[] = []): void {
  afterAll(async () => {
    if (postgresUrl === undefined) return
    const pool = new pg.Pool({ connectionString: postgresUrl })
    for (const name of [...storeTables(table), ...others]) await pool.query(`drop table if exists ${name} cascade`)
    await pool.end()
  })
}
