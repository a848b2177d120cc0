// node:http hello world for bench/overhead.ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { statgraph } from 'statgraph/node'
import { benchMode, reportTo } from './bench-server.js'

const { database, metrics } = benchMode()
function hello(_req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('content-type', 'text/plain')
  res.end('Hello World!')
}
const listener = database === undefined ? undefined : statgraph(hello, { database, metrics })
reportTo(createServer(listener ?? hello).listen(0, '127.0.0.1'), listener)
