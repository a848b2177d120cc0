// Hono on @hono/node-server hello world for bench/overhead.ts.
import type { Server } from 'node:http'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { statgraph } from 'statgraph/hono'
import { benchMode, reportTo } from './bench-server.js'

const { mode, database, metrics } = benchMode()
const app = new Hono()
const stats = database === undefined ? undefined : statgraph({ database, metrics })
if (stats !== undefined) {
  app.use(stats.middleware)
  app.route('/statistics', stats.app)
}
if (mode === 'floor-middleware') app.use((_c, next) => next())
app.get('/', (c) => c.text('Hello World!'))
reportTo(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server, stats)
