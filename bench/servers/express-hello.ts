// Express hello world, plain or with statgraph, for bench/express-overhead.ts. Prints its port.
import { mkdtempSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import express from 'express'
import { statgraph } from 'statgraph/express'

const mode = process.argv[2]
const app = express()
if (mode === 'statgraph') {
  statgraph(app, { database: join(mkdtempSync(join(tmpdir(), 'statgraph-bench-')), 'bench.db') })
} else if (mode !== 'plain') {
  throw new Error('usage: express-hello.ts plain|statgraph')
}
app.get('/', (_req, res) => {
  res.send('Hello World!')
})
const server = app.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port }))
})
