// The floor under any recorder that keeps a row per request in SQLite: an `onResponse` hook that
// keeps seven fields, and a worker thread that inserts them 5000 at a time with one prepared
// statement — no user-agent parsing, no rollups, no retries. What this costs a hello world is
// what writing rows costs at all on the machine the bench runs on.
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
parentPort.on('message', (rows) => insertAll(rows))
`

/** Returns the function that records one row; rows are written in the worker, `BATCH` at a time or every second. */
export function rowsOnly(file: string): (row: Row) => void {
  const worker = new Worker(WORKER, { eval: true, workerData: file })
  worker.unref()
  let rows: Row[] = []
  const send = () => {
    if (rows.length === 0) return
    worker.postMessage(rows)
    rows = []
  }
  setInterval(send, 1000).unref()
  return (row) => {
    if (rows.push(row) >= BATCH) send()
  }
}
