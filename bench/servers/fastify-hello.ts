// Fastify hello world for bench/overhead.ts.
import Fastify from 'fastify'
import { statgraph } from 'statgraph/fastify'
import { benchMode, reportTo } from './bench-server.js'

const { mode, database, metrics } = benchMode()
const app = Fastify()
if (database !== undefined) await app.register(statgraph, { database, metrics })
if (mode === 'floor-middleware') app.addHook('onRequest', (_request, _reply, done) => done())
app.get('/', async () => 'Hello World!')
await app.listen({ port: 0, host: '127.0.0.1' })
reportTo(app.server, database === undefined ? undefined : app.statgraph)
