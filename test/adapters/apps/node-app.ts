import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { statgraph } from '../../../src/adapters/node.js'
import type { ConnectMiddleware } from '../../../src/adapters/http/connect-dashboard.js'
import { type AppOptions, type AppSetup, isDisabledCookie, LARGE_SIZE, slowly, STREAM_CHUNKS } from './app-setup.js'
import { listen } from './listen.js'

const protect: Record<string, ConnectMiddleware> = {
  allow: (_req, _res, next) => next(),
  deny: (_req, res) => res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'log in first' })),
  redirect: (_req, res) => res.writeHead(302, { location: '/login' }).end(),
}

async function app(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]
  if (req.method === 'GET' || req.method === 'HEAD') {
    if (path === '/') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('Hello World!')
    if (path === '/boom') throw new Error('division by zero')
    if (path === '/async-boom') {
      await Promise.resolve()
      throw new TypeError('lookup failed')
    }
    if (path === '/stream') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' })
      for (const chunk of STREAM_CHUNKS.slice(0, -1)) {
        res.write(chunk)
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      return void res.end(STREAM_CHUNKS.at(-1))
    }
    if (path === '/slow') {
      await slowly()
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end('done')
    }
    if (path === '/large') return void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(LARGE_SIZE, 120))
    const user = /^\/users\/([^/]+)$/.exec(path ?? '')
    if (user) return void res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ id: user[1] }))
  }
  if (req.method === 'POST' && path === '/items') {
    let body = ''
    for await (const chunk of req) body += chunk
    return void res.writeHead(201, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ received: JSON.parse(body) }))
  }
  res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found')
}

export const nodeSetup: AppSetup = {
  name: 'node:http',
  knowsRoutes: false,
  frameworkProxy: false,
  async start(options: AppOptions) {
    const listener = statgraph(app, {
      database: options.database,
      trustProxy: options.trustProxy,
      ignore: options.ignore,
      protect: options.protect && protect[options.protect],
      auth: options.auth,
      disable: options.disable ? (req) => isDisabledCookie(req.headers.cookie) : undefined,
    })
    const server = await listen(createServer(listener))
    return { url: server.url, stats: listener, close: async () => (await server.close(), await listener.close()) }
  },
}
