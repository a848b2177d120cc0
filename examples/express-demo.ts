// The demo behind `npm start`: an Express app with statgraph on SQLite, a week of past traffic, a
// few thousand live requests over HTTP, then the dashboard's address. `--once` exits after the traffic.
import { rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { parseUserAgent } from 'statgraph'
import { statgraph } from 'statgraph/express'
import { pastRecords, planRequest, seededRandom } from '../bench/generator/traffic.js'

const DATABASE = './demo-statistics.db'
const LIVE_REQUESTS = 3000
const once = process.argv.includes('--once')

for (const suffix of ['', '-wal', '-shm']) rmSync(`${DATABASE}${suffix}`, { force: true })

const app = express()
// The demo's client sends X-Forwarded-For to play many visitors, so the demo trusts it.
const stats = statgraph(app, { database: DATABASE, trustProxy: true })

app.get('/', (_req, res) => {
  res.send('<h1>Demo shop</h1><a href="/statistics">statistics</a>')
})
for (const page of ['/about', '/pricing', '/blog', '/docs', '/docs/install', '/contact']) {
  app.get(page, (_req, res) => {
    res.send(`<h1>${page.slice(1)}</h1>`)
  })
}
app.get('/blog/:slug', (req, res) => {
  res.send(`<h1>Post ${req.params.slug}</h1>`)
})
app.get('/api/users/:id', (req, res) => {
  if (Number(req.params.id) > 250) res.status(404).json({ error: 'no such user' })
  else res.json({ id: Number(req.params.id), name: `user ${req.params.id}` })
})
app.get('/api/search', (req, res) => {
  res.json({ query: req.query.q, results: Array.from({ length: 10 }, (_, i) => `result ${i}`) })
})
app.post('/api/orders', express.json(), (_req, res) => {
  res.status(201).json({ ok: true })
})
app.get('/reports/broken', () => {
  throw new Error('report generator is out of paper')
})
app.get('/slow', async (_req, res) => {
  await new Promise((resolve) => setTimeout(resolve, 150))
  res.send('finally')
})
// The app's own error handler; statgraph still records the error's text.
app.use((_error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
  res.status(500).send('Something broke')
})

const server = app.listen(Number(process.env.PORT ?? 3000))
server.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EADDRINUSE') throw error
  console.log(`port ${process.env.PORT ?? 3000} is taken; using a free one`)
  server.listen(0)
})
await new Promise((resolve) => server.once('listening', resolve))
const base = `http://localhost:${(server.address() as AddressInfo).port}`

const random = seededRandom(2026)
const now = Date.now()
const week = pastRecords(9000, now - 6 * 86_400_000, now - 3_600_000, random)
await stats.store.insertBatch(week.map((record) => ({ ...record, ...parseUserAgent(record.user_agent) })))
console.log(`wrote ${week.length} past requests over the last 6 days`)

let sent = 0
async function visitor(): Promise<void> {
  while (sent < LIVE_REQUESTS) {
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
await stats.flush()
console.log(`sent ${LIVE_REQUESTS} live requests; ${stats.counts().written} recorded`)
console.log(`\nDashboard: ${base}/statistics\nJSON API:  ${base}/statistics/api/stats\n`)

async function stop(): Promise<void> {
  server.close()
  server.closeAllConnections()
  await stats.close()
  process.exit(0)
}
if (once) await stop()
else {
  console.log('Press Ctrl-C to stop.')
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
