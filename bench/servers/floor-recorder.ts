// The floor under any recorder that keeps a row per request in SQLite: a hook on the server's
// requests keeping seven fields when the response finishes, and a worker thread inserting them
// 5000 at a time with one prepared statement — no user-agent parsing, no rollups, no retries. What
// this costs a hello world is what keeping the rows costs at all, on the machine the bench runs on.
// It sits on node:http's server, under every framework alike.
import type { Server } from 'node:http'
import { Worker } from 'node:worker_threads'

type Row = [date: number, responseTime: number, method: string, size: number, status: number, path: string, userAgent: string]

const BATCH = 5000
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require('better-sqlite3')
const db = new Database(workerData)
db.pragma('journal_mode = WAL')
db.pragma('synchronous = NORMAL')
db.exec('create table request (response_time real, date text, method text, size integer, status_code integer, path text, user_agent text)')
const insert = db.prepare('insert into request values (?, ?, ?, ?, ?, ?, ?)')
const insertAll = db.transaction((rows) => {
  for (const [date, time, method, size, status, path, agent] of rows) insert.run(time, new Date(date).toISOString(), method, size, status, path, agent)
})
parentPort.on('message', (rows) => {
  insertAll(rows)
  parentPort.postMessage(rows.length)
})
`

/**
 * Records every request `server` answers into `file`; rows are written in the worker, `BATCH` at
 * a time or every second. The counts say what was written, as statgraph's do.
 */
export function recordFloor(server: Server, file: string): () => { written: number; buffered: number; dropped: number } {
  const worker = new Worker(WORKER, { eval: true, workerData: file })
  worker.unref()
  let rows: Row[] = []
  let sent = 0
  let written = 0
  worker.on('message', (count: number) => {
    written += count
  })
  const send = () => {
    if (rows.length === 0) return
    sent += rows.length
    worker.postMessage(rows)
    rows = []
  }
  setInterval(send, 1000).unref()
  server.prependListener('request', (req, res) => {
    const start = performance.now()
    res.once('finish', () => {
      const row: Row = [
        Date.now(),
        performance.now() - start,
        req.method ?? '',
        Number(res.getHeader('content-length') ?? 0),
        res.statusCode,
        req.url ?? '',
        req.headers['user-agent'] ?? '',
      ]
      if (rows.push(row) >= BATCH) send()
    })
  })
  return () => ({ written, buffered: sent - written + rows.length, dropped: 0 })
}
