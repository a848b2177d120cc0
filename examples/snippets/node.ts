import { createServer } from 'node:http'
import { statgraph } from 'statgraph/node'

const listener = statgraph(
  (req, res) => {
    res.setHeader('content-type', 'text/plain')
    res.end('Hello World!')
  },
  {
    protect: (req, res, next) =>
      req.headers.authorization === `Bearer ${process.env.ADMIN_TOKEN}` ? next() : res.writeHead(302, { location: '/login' }).end(),
  },
)
const server = createServer(listener).listen(Number(process.env.PORT ?? 3000))
process.on('SIGTERM', () => server.close(() => listener.close()))
