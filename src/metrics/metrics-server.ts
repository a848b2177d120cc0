import { createServer, type Server } from 'node:http'
import type { Logger } from '../log/logger.js'
import { PROMETHEUS_CONTENT_TYPE } from './prometheus-text.js'

/**
 * Serves `exposition()` at `path` on a port of its own, for scrapers; a server that cannot listen
 * (the port taken) is logged, and the app goes on. Unref'd: it never keeps the process alive.
 */
export function serveMetrics(place: { port: number; host: string; path: string }, exposition: () => string, logger: Logger): Server {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]
    if (path !== place.path) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`statgraph: the metrics are at ${place.path}\n`)
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    const body = exposition()
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' })
    res.end(req.method === 'HEAD' ? undefined : body)
  })
  server.on('error', (error) => logger.error(`statgraph: serving metrics on ${place.host}:${place.port} failed (${String(error)})`))
  server.listen(place.port, place.host)
  server.unref()
  return server
}
