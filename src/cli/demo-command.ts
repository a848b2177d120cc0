// `statgraph demo`: a small shop on node:http with statgraph on a fresh SQLite file, a week of past
// traffic, a few thousand live requests over HTTP, then the dashboard's address.
import { rmSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { statgraph } from '../adapters/node.js'
import type { Logger } from '../log/logger.js'
import { pastRecords, planRequest, seededRandom } from './demo/traffic.js'

export interface DemoOptions {
  database: string
  port: string
  requests: string
  /** Exit once the traffic is sent, instead of serving until Ctrl-C. */
  once?: boolean
}

const PAGES = new Set(['/about', '/pricing', '/blog', '/docs', '/docs/install', '/contact'])

function shop(req: IncomingMessage, res: ServerResponse): void {
  const { pathname, searchParams } = new URL(req.url ?? '/', 'http://localhost')
  const json = (status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  }
  const html = (body: string): void => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body)
  }
  if (pathname === '/') return html('<h1>Demo shop</h1><a href="/statistics">statistics</a>')
  if (PAGES.has(pathname) || pathname.startsWith('/blog/')) return html(`<h1>${pathname.slice(1)}</h1>`)
  const user = /^\/api\/users\/(\d+)$/.exec(pathname)?.[1]
  if (user !== undefined) return Number(user) > 250 ? json(404, { error: 'no such user' }) : json(200, { id: Number(user) })
  if (pathname === '/api/search') return json(200, { query: searchParams.get('q'), results: [] })
  if (pathname === '/api/orders' && req.method === 'POST') {
    req.resume()
    req.on('end', () => json(201, { ok: true }))
    return
  }
  // statgraph records the error's text with status 500.
  if (pathname === '/reports/broken') throw new Error('report generator is out of paper')
  if (pathname === '/slow') {
    setTimeout(() => html('finally'), 150)
    return
  }
  res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
}

/** The first line of each message, to stderr: the demo's errors are on purpose, their stacks noise. */
const ONE_LINE_LOGGER: Logger = {
  error: (message) => console.error(message.split('\n', 1)[0]),
  warn: (message) => console.error(message.split('\n', 1)[0]),
  info: (message) => console.log(message.split('\n', 1)[0]),
}

export async function demoCommand(options: DemoOptions): Promise<void> {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${options.database}${suffix}`, { force: true })
  // The demo's client sends X-Forwarded-For to play many visitors, so the demo trusts it. Its
  // deliberate failures are logged a line each, without the stack a real app would want.
  const listener = statgraph(shop, { database: options.database, trustProxy: true, public: true, logger: ONE_LINE_LOGGER })
  const server = createServer(listener)
  server.listen(Number(options.port))
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE') return reject(error)
      console.log(`port ${options.port} is taken; using a free one`)
      server.listen(0)
    })
  })
  const base = `http://localhost:${(server.address() as AddressInfo).port}`
  // The address first: the page fills up while the traffic below is sent.
  console.log(`\nDashboard: ${base}/statistics\nJSON API:  ${base}/statistics/api/stats\n`)

  const random = seededRandom(2026)
  const now = Date.now()
  const week = pastRecords(9000, now - 6 * 86_400_000, now - 3_600_000, random)
  await listener.store.insertBatch(week)
  console.log(`wrote ${week.length} past requests over the last 6 days`)

  const total = Number(options.requests)
  let sent = 0
  const visitor = async () => {
    while (sent < total) {
      sent++
      const planned = planRequest(random)
      const headers: Record<string, string> = { 'user-agent': planned.userAgent, 'x-forwarded-for': planned.clientAddress }
      if (planned.referrer) headers.referer = planned.referrer
      const response = await fetch(`${base}${planned.path}`, {
        method: planned.method,
        headers: planned.method === 'POST' ? { ...headers, 'content-type': 'application/json' } : headers,
        body: planned.method === 'POST' ? JSON.stringify({ item: 'chair', quantity: 2 }) : undefined,
      })
      await response.arrayBuffer()
    }
  }
  await Promise.all(Array.from({ length: 16 }, visitor))
  await listener.flush()
  console.log(`sent ${total} live requests; ${listener.counts().written} recorded`)

  const stop = async () => {
    server.closeAllConnections()
    server.close()
    await listener.close()
  }
  if (options.once) return stop()
  console.log('Press Ctrl-C to stop.')
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await stop()
}
