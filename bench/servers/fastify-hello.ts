// Fastify hello world for bench/overhead.ts; rows-only: the floor of any recorder writing SQLite rows.
import Fastify from 'fastify'
import { statgraph } from 'statgraph/fastify'
import { benchMode, reportTo } from './bench-server.js'
import { rowsOnly } from './rows-only.js'

const { mode, database, metrics } = benchMode(['rows-only'])
const app = Fastify()
if (mode === 'rows-only') {
  const record = rowsOnly(database as string)
  app.addHook('onResponse', (request, reply, done) => {
    record([
      Date.now(),
      reply.elapsedTime,
      request.method,
      Number(reply.getHeader('content-length') ?? 0),
      reply.statusCode,
      request.url,
      request.headers['user-agent'] ?? '',
    ])
    done()
  })
} else if (database !== undefined) await app.register(statgraph, { database, metrics })
app.get('/', async () => 'Hello World!')
await app.listen({ port: 0, host: '127.0.0.1' })
reportTo(app.server, database === undefined || mode === 'rows-only' ? undefined : app.statgraph)
