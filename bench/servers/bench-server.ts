// What every hello-world bench server shares: the mode it runs in, the database for that mode, and
// the report of its CPU time, main-thread busy time and request count that bench/overhead.ts asks
// for over IPC, and of what its app's thread allocates, which bench/allocation.ts asks for.
import { mkdtempSync, readFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { MetricsOption, StatgraphHandle, Store } from 'statgraph'
import { AllocationMeter } from './allocation-meter.js'
import { recordFloor } from './floor-recorder.js'

/**
 * How a hello world runs: bare, with statgraph (on a SQLite file, on PostgreSQL, or writing
 * nothing), with the floor of keeping a SQLite row per request (every framework) — alone, or with
 * the framework's cheapest middleware beside it, the floor of a recorder that is one — or with a
 * peer for comparison (Express).
 */
export const MODES = [
  'plain',
  'statgraph',
  'statgraph-metrics',
  'statgraph-postgres',
  'statgraph-discard',
  'swagger-stats',
  'status-monitor',
  'prom-bundle',
  'naive',
  'floor',
  'floor-middleware',
] as const
export type Mode = (typeof MODES)[number]

const discardingStore: Store = {
  migrate: async () => {},
  insertBatch: async () => {},
  stats: () => Promise.reject(new Error('the discarding store keeps nothing')),
  requests: () => Promise.reject(new Error('the discarding store keeps nothing')),
  search: () => Promise.reject(new Error('the discarding store keeps nothing')),
  requestsAfter: () => Promise.reject(new Error('the discarding store keeps nothing')),
  prune: async () => 0,
  pruneRollups: async () => 0,
  close: async () => {},
  exists: async () => true,
  async *eachPage() {},
  importedContents: async () => [],
  releases: async () => [],
  annotate: async () => {},
  annotations: async () => [],
  insertRuntime: async () => {},
  runtime: async () => ({ points: [], lastSamples: [] }),
  alerts: () => {
    throw new Error('the discarding store keeps nothing')
  },
}

/** The PostgreSQL server of `statgraph-postgres` (this machine's, unless the tests' variable names another). */
const POSTGRES_URL = process.env.STATGRAPH_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/**
 * The mode from the command line, and the `database` and `table` options for it (database
 * undefined: no statgraph).
 */
export function benchMode(peers: readonly Mode[] = []): { mode: Mode; database: string | Store | undefined; table?: string; metrics?: MetricsOption } {
  const mode = process.argv[2] as Mode
  if (mode === 'plain' || isFloor(mode) || peers.includes(mode)) return { mode, database: mode === 'naive' ? benchFile() : undefined }
  if (mode === 'statgraph') return { mode, database: benchFile() }
  if (mode === 'statgraph-metrics') return { mode, database: benchFile(), metrics: { prometheus: true } }
  if (mode === 'statgraph-postgres') return { mode, database: POSTGRES_URL, table: postgresTable() }
  // Everything but the database: the request path, and the records built on the app's thread.
  if (mode === 'statgraph-discard') return { mode, database: discardingStore }
  throw new Error(
    `usage: ${process.argv[1]} ${['plain', 'floor', 'floor-middleware', 'statgraph', 'statgraph-metrics', 'statgraph-postgres', 'statgraph-discard', ...peers].join('|')}`,
  )
}

/** A table of this server's own, dropped (with its rollups) when the bench ends the server. */
function postgresTable(): string {
  const table = `sg_overhead_${process.pid}`
  process.once('SIGTERM', () => {
    void (async () => {
      const { default: pg } = await import('pg')
      const pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 })
      for (const suffix of [
        '',
        '_statgraph_cell',
        '_statgraph_sketch',
        '_statgraph_visitor',
        '_statgraph_batch',
        '_statgraph_import',
        '_statgraph_migration',
        '_statgraph_migration_lock',
      ]) {
        await pool.query(`drop table if exists ${table}${suffix}`).catch(() => undefined)
      }
      await pool.end()
      process.exit(0)
    })()
  })
  return table
}

/** Whether `mode` keeps the floor's rows. */
function isFloor(mode: Mode): boolean {
  return mode === 'floor' || mode === 'floor-middleware'
}

function benchFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'statgraph-bench-')), 'bench.db')
}

/**
 * Prints the port once `server` listens, and answers the benches' IPC questions; `stats` is
 * statgraph's handle, when on. In the floor modes, the floor recorder is put on `server` here.
 */
export function reportTo(server: Server, stats?: StatgraphHandle): void {
  const floor = isFloor(process.argv[2] as Mode) ? recordFloor(server, benchFile()) : undefined
  let requests = 0
  server.on('request', () => requests++)
  const announce = () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }))
  if (server.listening) announce()
  else server.once('listening', announce)
  const meter = new AllocationMeter()
  process.on('message', (message) => {
    // bench/allocation.ts's window: what the app's thread allocates between the two.
    if (message === 'allocation-start') {
      meter.start()
      process.send?.({ allocated: 0, promoted: 0, requests })
      return
    }
    if (message === 'allocation-stop') {
      process.send?.({ ...meter.stop(), requests })
      return
    }
    // Process CPU counts every thread (the writer thread too); the main thread's own CPU time is
    // read from Linux's per-thread accounting.
    const { user, system } = process.cpuUsage()
    // Only the counters: the last error need not survive the trip over IPC.
    const counts = stats?.counts() ?? floor?.()
    const recorded = counts === undefined ? undefined : { written: counts.written, buffered: counts.buffered, dropped: counts.dropped }
    process.send?.({ cpuMicros: user + system, mainThreadMicros: mainThreadCpuMicros(), requests, recorded })
  })
}

/**
 * CPU time of the process's main thread (the app's thread), in µs, from /proc/self/task/<pid>/stat:
 * utime and stime, in clock ticks of 10 ms (USER_HZ 100 on Linux). Node 20 has no per-thread API.
 */
function mainThreadCpuMicros(): number {
  const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10_000
}
