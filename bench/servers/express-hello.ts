// Express hello world for bench/overhead.ts: bare, with statgraph (on SQLite or PostgreSQL, its
// Prometheus metrics on or off), or with a peer for comparison — swagger-stats,
// express-status-monitor, express-prom-bundle, or a naive recorder committing one INSERT per
// request to SQLite with its default settings (Flask-Statgraph's way).
import { createRequire } from 'node:module'
import Database from 'better-sqlite3'
import express, { type RequestHandler } from 'express'
import { statgraph } from 'statgraph/express'
import { benchMode, reportTo } from './bench-server.js'

const require = createRequire(import.meta.url)
const { mode, database, table, metrics } = benchMode(['swagger-stats', 'status-monitor', 'prom-bundle', 'naive'])
const app = express()
const stats = mode.startsWith('statgraph') ? statgraph(app, { database, table, metrics }) : undefined
if (mode === 'swagger-stats') app.use((require('swagger-stats') as { getMiddleware(options: object): RequestHandler }).getMiddleware({}))
if (mode === 'status-monitor') app.use((require('express-status-monitor') as () => RequestHandler)())
// Its usual setup: a duration histogram by method, path (as a route) and status, at /metrics.
if (mode === 'prom-bundle') app.use((require('express-prom-bundle') as (options: object) => RequestHandler)({ includeMethod: true, includePath: true }))
if (mode === 'naive') app.use(naiveRecorder(database as string))
if (mode === 'floor-middleware') app.use((_req, _res, next) => next())
app.get('/', (_req, res) => {
  res.send('Hello World!')
})
reportTo(app.listen(0, '127.0.0.1'), stats)

function naiveRecorder(file: string): RequestHandler {
  const db = new Database(file)
  db.exec(
    'create table request (response_time real, date text, method text, size integer, status_code integer, path text, user_agent text, remote_address text)',
  )
  const insert = db.prepare('insert into request values (?, ?, ?, ?, ?, ?, ?, ?)')
  return (req, res, next) => {
    const start = performance.now()
    res.on('finish', () => {
      insert.run(
        performance.now() - start,
        new Date().toISOString(),
        req.method,
        Number(res.getHeader('content-length') ?? 0),
        res.statusCode,
        req.path,
        req.get('user-agent') ?? '',
        req.ip ?? '',
      )
    })
    next()
  }
}
