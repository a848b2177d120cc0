import { join } from 'node:path'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { type InstanceProcess, startInstance } from '../helpers/instance-process.js'
import { tempDir } from '../helpers/temp-dir.js'
import { serverUrl, storeTables } from '../helpers/test-databases.js'

const N = 2000
const INSTANCES = 4
const dir = tempDir()
const postgresUrl = serverUrl('STATGRAPH_TEST_POSTGRES_URL')
const mysqlUrl = serverUrl('STATGRAPH_TEST_MYSQL_URL')
const table = `sg_multi_${process.pid}`

const engines: [string, string | undefined, (() => Promise<void>) | undefined][] = [
  ['one SQLite file in WAL mode', join(dir, 'shared.db'), undefined],
  [
    'PostgreSQL',
    postgresUrl,
    async () => {
      const pool = new pg.Pool({ connectionString: postgresUrl })
      for (const name of storeTables(table)) await pool.query(`drop table if exists ${name}`)
      await pool.end()
    },
  ],
  [
    'MariaDB',
    mysqlUrl,
    async () => {
      const pool = mysql.createPool({ uri: mysqlUrl as string })
      for (const name of storeTables(table)) await pool.query(`drop table if exists ${name}`)
      await pool.end()
    },
  ],
]

const running: InstanceProcess[] = []
afterAll(async () => {
  await Promise.all(running.map((instance) => instance.stop()))
})

describe.each(engines)('%s shared by four app processes', (_name, database, dropTables) => {
  it.skipIf(database === undefined)(
    `records all ${N} requests exactly once`,
    async () => {
      await dropTables?.()
      const env = { DATABASE: database as string, TABLE: table }
      // Started together, so they also migrate the fresh table at the same moment.
      const instances = await Promise.all(Array.from({ length: INSTANCES }, () => startInstance(env)))
      running.push(...instances)

      // Request i goes to instance i mod 4, 16 at a time; each path is unique.
      let next = 0
      const statuses: number[] = []
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (next < N) {
            const i = next++
            const response = await fetch(`${instances[i % INSTANCES]?.url}/hit/${i}`)
            await response.text()
            statuses.push(response.status)
          }
        }),
      )
      expect(statuses.filter((status) => status === 200)).toHaveLength(N)
      // SIGTERM: each instance writes what it still holds, then exits cleanly.
      expect(await Promise.all(instances.map((instance) => instance.stop()))).toEqual([0, 0, 0, 0])

      const reader = await startInstance(env)
      running.push(reader)
      const today = new Date().toISOString().slice(0, 10)
      const range = `start=${today}&end=${today}`
      const stats = (await (await fetch(`${reader.url}/statistics/api/stats?${range}&top=1000`)).json()) as { hits: number }
      expect(stats.hits).toBe(N)
      const paths: string[] = []
      for (let offset = 0; offset < N; offset += 1000) {
        const page = (await (await fetch(`${reader.url}/statistics/api/requests?${range}&limit=1000&offset=${offset}`)).json()) as {
          rows: { path: string }[]
        }
        paths.push(...page.rows.map((row) => row.path))
      }
      expect(paths.sort()).toEqual(Array.from({ length: N }, (_, i) => `/hit/${i}`).sort())
      await reader.stop()
      await dropTables?.()
    },
    120_000,
  )
})
