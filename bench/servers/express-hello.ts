// Express hello world, plain, with statgraph on SQLite, or with statgraph writing nowhere, for
// bench/express-overhead.ts. Prints its port; answers an IPC message with its CPU time and request count.
import { mkdtempSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import express from 'express'
import type { Store } from 'statgraph'
import { statgraph } from 'statgraph/express'

const discardingStore: Store = {
  migrate: async () => {},
  insertBatch: async () => {},
  stats: () => Promise.reject(new Error('the discarding store keeps nothing')),
  requests: () => Promise.reject(new Error('the discarding store keeps nothing')),
  prune: async () => 0,
  close: async () => {},
}

const mode = process.argv[2]
const app = express()
if (mode === 'statgraph') {
  statgraph(app, { database: join(mkdtempSync(join(tmpdir(), 'statgraph-bench-')), 'bench.db') })
} else if (mode === 'statgraph-discard') {
  // Everything but the database: what the request path itself costs.
  statgraph(app, { database: discardingStore })
} else if (mode !== 'plain') {
  throw new Error('usage: express-hello.ts plain|statgraph|statgraph-discard')
}
app.get('/', (_req, res) => {
  res.send('Hello World!')
})
let requests = 0
const server = app.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }))
})
server.on('request', () => requests++)
// The bench asks for the CPU time this process has used and the requests it has served.
process.on('message', () => {
  const { user, system } = process.cpuUsage()
  process.send?.({ cpuMicros: user + system, requests })
})
