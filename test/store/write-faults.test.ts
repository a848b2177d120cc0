import mysql from 'mysql2/promise'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import type { Health } from '../../src/dashboard/health.js'
import type { RecorderCounts } from '../../src/recorder/recorder.js'
import type { StoreStats } from '../../src/stats/answer/stats.js'
import { type InstanceProcess, startInstance } from '../helpers/instance-process.js'
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js'
import { serverUrl, storeTables } from '../helpers/test-databases.js'
import { poll } from '../helpers/wait-for.js'

// Four app processes write one server database at once, each through a TCP proxy of its own that
// cuts connections, loses the answer to a COMMIT the server carried out, and holds one instance
// silent inside its write transaction. Every answered request must be stored exactly once.
const INSTANCES = 4
const HOLD_MS = 15_000
const table = `sg_faults_${process.pid}`

/** The raw rows per path, counted with the engine's own client. */
type CountPaths = () => Promise<Map<string, number>>

const postgresUrl = serverUrl('STATGRAPH_TEST_POSTGRES_URL')
const mysqlUrl = serverUrl('STATGRAPH_TEST_MYSQL_URL')
const engines: [string, string | undefined, number, (url: string) => { countPaths: CountPaths; drop(): Promise<void>; end(): Promise<void> }][] = [
  [
    'PostgreSQL',
    postgresUrl,
    5432,
    (url) => {
      const pool = new pg.Pool({ connectionString: url, max: 2 })
      return {
        async countPaths() {
          const { rows } = await pool.query(`select path, count(*)::int as n from ${table} group by path`)
          return new Map(rows.map((row: { path: string; n: number }) => [row.path, row.n]))
        },
        async drop() {
          for (const name of storeTables(table)) await pool.query(`drop table if exists ${name}`)
        },
        end: () => pool.end(),
      }
    },
  ],
  [
    'MariaDB',
    mysqlUrl,
    3306,
    (url) => {
      const pool = mysql.createPool({ uri: url, connectionLimit: 2 })
      return {
        async countPaths() {
          const [rows] = await pool.query<mysql.RowDataPacket[]>(`select path, count(*) as n from ${table} group by path`)
          return new Map(rows.map((row) => [row.path as string, Number(row.n)]))
        },
        async drop() {
          for (const name of storeTables(table)) await pool.query(`drop table if exists ${name}`)
        },
        end: () => pool.end(),
      }
    },
  ],
]

/** `promise`, or a failure naming `what` after 30 s. */
function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 30_000)
  })
  return Promise.race([promise, late]).finally(() => clearTimeout(timer))
}

const running: InstanceProcess[] = []
const proxies: TcpProxy[] = []
afterAll(async () => {
  await Promise.all(running.map((instance) => instance.stop()))
  await Promise.all(proxies.map((proxy) => proxy.close()))
})

describe.each(engines)('%s written by four instances through faults', (_name, url, defaultPort, connect) => {
  it.skipIf(url === undefined)(
    'stores every answered request exactly once, keeps the others writing while one stalls, and reports the stalled one failing',
    async () => {
      const db = connect(url as string)
      await db.drop()
      const server = new URL(url as string)
      const proxied: string[] = []
      // This engine's proxies, one per instance (all of them are closed after the file).
      const mine: TcpProxy[] = []
      for (let i = 0; i < INSTANCES; i++) {
        const proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || defaultPort) })
        mine.push(proxy)
        proxies.push(proxy)
        const through = new URL(server)
        through.host = `127.0.0.1:${proxy.port}`
        proxied.push(through.href)
      }
      const instances = await Promise.all(proxied.map((database) => startInstance({ DATABASE: database, TABLE: table, TRUST_PROXY: '1', WRITE_TIMEOUT: '5s' })))
      running.push(...instances)
      const reader = await startInstance({ DATABASE: url as string, TABLE: table })
      running.push(reader)

      // What the app answered, counted independently of statgraph.
      const answered: { path: string; status: number; client: string; bytes: number }[] = []
      let next = 0
      const send = async (instance: InstanceProcess, path: string) => {
        // 165 clients: per route too, visitors are counted exactly up to 200.
        const client = `10.${next % 3}.${next % 5}.${next % 11}`
        next++
        const response = await fetch(`${instance.url}${path}`, { headers: { 'x-forwarded-for': client } })
        const body = await response.arrayBuffer()
        answered.push({ path, status: response.status, client, bytes: body.byteLength })
      }
      let traffic = true
      const senders = Array.from({ length: 8 }, async (_, sender) => {
        while (traffic) {
          const n = next
          const instance = instances[(n + sender) % INSTANCES] as InstanceProcess
          await send(instance, n % 50 === 7 ? `/boom/${n}` : `/hit/${n}`)
          await new Promise((resolve) => setTimeout(resolve, 5))
        }
      })

      await new Promise((resolve) => setTimeout(resolve, 2000))
      // (a) Every connection cut; new ones refused for a second.
      for (const proxy of mine) await proxy.cut()
      await new Promise((resolve) => setTimeout(resolve, 1000))
      for (const proxy of mine) await proxy.restore()
      // (b) Two COMMITs carried out whose answers never arrive.
      await within(Promise.all([mine[1]?.loseNextCommitAnswer(), mine[2]?.loseNextCommitAnswer()]), 'two COMMITs to pass the proxies')
      // Each instance writes again before the stall: the lost COMMITs came in their retry streak since
      // (a), whose backoff has grown to seconds, and (c) is about the stall, not that backoff.
      await poll(
        () => Promise.all(instances.map(async (instance) => ((await (await fetch(`${instance.url}/recorder`)).json()) as RecorderCounts).failing)),
        (failing) => failing.every((one) => !one),
        'every instance to write again after the lost COMMITs',
        30_000,
      )

      // (c) Instance 0 held silent inside its write transaction, at its rollup upserts.
      const stalled = instances[0] as InstanceProcess
      const { released } = await within((mine[0] as TcpProxy).holdConnection('_statgraph_cell', HOLD_MS), 'a rollup write to pass the proxy')
      const heldAt = Date.now()
      // The others' requests show in the API while the stall lasts (well before it ends: the stalled
      // instance has yet to report failing, after its 5 s write timeout).
      const marks = [1, 2, 3].map((i) => `/during/${i}`)
      await Promise.all(marks.map((path, i) => send(instances[i + 1] as InstanceProcess, path)))
      // Asked for by path: the traffic goes on meanwhile, and a page of the newest rows may be all newer.
      const shown = async (path: string) =>
        (
          (await (await fetch(`${reader.url}/statistics/api/requests?from=${new Date(heldAt - 60_000).toISOString()}&path=${path}`)).json()) as {
            total: number
          }
        ).total
      await poll(
        () => Promise.all(marks.map(shown)),
        (totals) => totals.every((total) => total === 1),
        'the other instances’ requests to show while one is stalled',
        HOLD_MS / 2,
      )
      expect(Date.now() - heldAt).toBeLessThan(HOLD_MS)
      // The stalled instance says so before its connection speaks again.
      const health = await poll(
        async () => {
          const response = await fetch(`${stalled.url}/statistics/api/health`)
          return { status: response.status, body: (await response.json()) as Health }
        },
        (answer) => answer.body.state === 'failing',
        'the stalled instance to report failing',
        HOLD_MS,
      )
      expect(health.status).toBe(503)
      expect(Date.now() - heldAt).toBeLessThan(HOLD_MS)
      await released

      await new Promise((resolve) => setTimeout(resolve, 1000))
      traffic = false
      await Promise.all(senders)
      // SIGTERM: each instance writes what it still holds, then exits cleanly.
      expect(await Promise.all(instances.map((instance) => instance.stop()))).toEqual([0, 0, 0, 0])

      // Raw rows: every answered request once.
      const stored = await db.countPaths()
      const expected = new Map<string, number>()
      for (const request of answered) expected.set(request.path, (expected.get(request.path) ?? 0) + 1)
      expect(stored).toEqual(expected)
      // Rollups: every figure as counted here.
      const today = new Date().toISOString().slice(0, 10)
      const stats = (await (await fetch(`${reader.url}/statistics/api/stats?start=${today}&end=${today}&top=1000`)).json()) as StoreStats
      const clients = new Set(answered.map((request) => request.client))
      expect(stats).toMatchObject({
        hits: answered.length,
        uniqueHits: clients.size,
        errors: answered.filter((request) => request.status >= 500).length,
        bytes: answered.reduce((sum, request) => sum + request.bytes, 0),
      })
      expect(stats.timeseries.reduce((sum, point) => sum + point.hits, 0)).toBe(answered.length)
      const statuses = new Map<number, number>()
      for (const request of answered) statuses.set(request.status, (statuses.get(request.status) ?? 0) + 1)
      expect(new Map(stats.statusCodes.map((entry) => [entry.key, entry.count]))).toEqual(statuses)
      const routeOf = (path: string) => (path.startsWith('/hit/') ? '/hit/:n' : path.startsWith('/boom/') ? '/boom/:n' : null)
      for (const route of stats.routes) {
        const mine = answered.filter((request) => routeOf(request.path) === route.key)
        expect(route).toMatchObject({ count: mine.length, uniqueHits: new Set(mine.map((request) => request.client)).size })
      }
      expect(answered.length).toBeGreaterThan(500)
      await reader.stop()
      await db.drop()
      await db.end()
    },
    180_000,
  )
})
