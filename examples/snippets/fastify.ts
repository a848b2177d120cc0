import Fastify from 'fastify'
import { statgraph } from 'statgraph/fastify'

const app = Fastify()
await app.register(statgraph, { auth: { username: 'admin', password: process.env.ADMIN_PASSWORD } })
app.get('/', async () => 'Hello World!')
app.get('/health', { config: { statgraph: false } }, async () => 'ok')
await app.listen({ port: Number(process.env.PORT ?? 3000) })
process.on('SIGTERM', () => app.close())
