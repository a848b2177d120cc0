// What every hello-world bench server shares: the mode it runs in, the database for that mode, and
// the report of its CPU time, main-thread busy time and request count that bench/overhead.ts asks
// for over IPC.
import { mkdtempSync, readFileSync } from 'node:fs'
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
    // Process CPU counts every thread (the writer thread too); the main thread's own CPU time is
    // read from Linux's per-thread accounting.
    const { user, system } = process.cpuUsage()
    process.send?.({ cpuMicros: user + system, mainThreadMicros: mainThreadCpuMicros(), requests })
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
