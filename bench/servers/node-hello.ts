// node:http hello world for bench/overhead.ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { statgraph } from 'statgraph/node'
import { benchMode, reportTo } from './bench-server.js'

const { mode, database, metrics } = benchMode()
function hello(_req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('content-type', 'text/plain')
  res.end('Hello World!')
}
const listener = database === undefined ? undefined : statgraph(hello, { database, metrics })
// node:http has no middleware: the cheapest is a listener that calls the app's.
const wrapped = mode === 'floor-middleware' ? (req: IncomingMessage, res: ServerResponse) => hello(req, res) : hello
reportTo(createServer(listener ?? wrapped).listen(0, '127.0.0.1'), listener)
