import { createServer } from 'node:http'
import { statgraph } from 'statgraph/node'

const listener = statgraph(
  (_req, res) => {
    res.setHeader('content-type', 'text/plain')
    res.end('Hello World!')
  },
  { auth: { username: 'admin', password: process.env.ADMIN_PASSWORD } },
)
const server = createServer(listener).listen(Number(process.env.PORT ?? 3000))
process.on('SIGTERM', () => server.close(() => listener.close()))
