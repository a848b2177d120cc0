// What every hello-world bench server shares: the mode it runs in, the database for that mode, and
// the report of its CPU time, main-thread busy time and request count that bench/overhead.ts asks
// for over IPC.
import { mkdtempSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Store } from 'statgraph'

export type Mode = 'plain' | 'statgraph' | 'statgraph-discard'

const discardingStore: Store = {
  migrate: async () => {},
  insertBatch: async () => {},
  stats: () => Promise.reject(new Error('the discarding store keeps nothing')),
  requests: () => Promise.reject(new Error('the discarding store keeps nothing')),
  prune: async () => 0,
  close: async () => {},
}

/** The mode from the command line, and the `database` option for it (undefined: no statgraph). */
export function benchMode(): { mode: Mode; database: string | Store | undefined } {
  const mode = process.argv[2] as Mode
  if (mode === 'plain') return { mode, database: undefined }
  if (mode === 'statgraph') return { mode, database: join(mkdtempSync(join(tmpdir(), 'statgraph-bench-')), 'bench.db') }
  // Everything but the database: what the request path itself costs.
  if (mode === 'statgraph-discard') return { mode, database: discardingStore }
  throw new Error(`usage: ${process.argv[1]} plain|statgraph|statgraph-discard`)
}

/** Prints the port once `server` listens, and answers the bench's IPC question. */
export function reportTo(server: Server): void {
  let requests = 0
  server.on('request', () => requests++)
  const announce = () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }))
  if (server.listening) announce()
  else server.once('listening', announce)
  process.on('message', () => {
    // Process CPU counts every thread (the writer thread too); the event loop's active time is the
    // app's own thread alone.
    const { user, system } = process.cpuUsage()
    process.send?.({ cpuMicros: user + system, mainThreadMicros: performance.eventLoopUtilization().active * 1000, requests })
  })
}
