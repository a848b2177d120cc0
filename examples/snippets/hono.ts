import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { statgraph } from 'statgraph/hono'

const app = new Hono()
const stats = statgraph({ auth: { username: 'admin', password: process.env.ADMIN_PASSWORD } })
app.use(stats.middleware)
app.route('/statistics', stats.app)
app.get('/', (c) => c.text('Hello World!'))
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) })
process.on('SIGTERM', () => server.close(() => stats.close()))
