import { createServer, type Server } from 'node:http'
import { connect } from 'node:net'
import { once } from 'node:events'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { statgraph } from '../../src/adapters/express.js'
import type { StatgraphHandle } from '../../src/core/statgraph.js'
import { FIELD_CAPS } from '../../src/record/field-caps.js'
import { tempDir } from '../helpers/temp-dir.js'

// Strangers' requests at their worst: megabyte headers, broken encodings, NUL bytes, a scanner.
const dir = tempDir()
const file = join(dir, 'hostile.db')
let server: Server
let stats: StatgraphHandle
let base: string
let port: number

beforeAll(async () => {
  const app = express()
  stats = statgraph(app, { database: file })
  app.get('*splat', (_req, res) => {
    res.send('fine')
  })
  // Node refuses headers over 16 KB by default; this app takes up to 4 MB, as a misconfigured one might.
  server = createServer({ maxHeaderSize: 4 * 1024 * 1024 }, app).listen(0, '127.0.0.1')
  await once(server, 'listening')
  port = (server.address() as { port: number }).port
  base = `http://127.0.0.1:${port}`
})
afterAll(async () => {
  server.closeAllConnections()
  server.close()
  await stats.close()
})

function rows(): Record<string, string | number | null>[] {
  const db = new Database(file, { readonly: true })
  try {
    return db.prepare('select * from request order by "index"').all() as Record<string, string | number | null>[]
  } finally {
    db.close()
  }
}

/** Sends raw bytes as a request and gives the status line the server answered. */
async function raw(request: Buffer): Promise<string> {
  const socket = connect(port, '127.0.0.1')
  await once(socket, 'connect')
  socket.end(request)
  let answer = ''
  for await (const chunk of socket) answer += String(chunk)
  return answer.split('\r\n')[0] ?? ''
}

describe('hostile requests', () => {
  it('caps megabyte user agents, paths and referrers, and the app answers as usual', async () => {
    const huge = 'A'.repeat(1024 * 1024)
    const response = await fetch(`${base}/${'p'.repeat(1024 * 1024)}`, { headers: { 'user-agent': huge, referer: `https://x.example/${huge}` } })
    expect(response.status).toBe(200)
    expect(await response.text()).toBe('fine')
    await stats.flush()
    const row = rows().at(-1)
    expect(String(row?.user_agent)).toHaveLength(FIELD_CAPS.user_agent)
    expect(String(row?.path)).toHaveLength(FIELD_CAPS.path)
    expect(String(row?.referrer)).toHaveLength(FIELD_CAPS.referrer)
    expect(String(row?.path).endsWith('…')).toBe(true)
  })

  it('stores broken percent-encodings, NUL bytes and raw bytes without throwing', async () => {
    const paths = ['/caf%C3%28', '/nul%00byte', '/%FF%FE', '/emoji%F0%9F%98%80']
    // The app (Express) may refuse a target it cannot decode; statgraph records what the client got.
    const statuses = new Map<string, number>()
    for (const path of paths) statuses.set(path, (await fetch(`${base}${path}`)).status)
    // Bytes no client library would send: invalid UTF-8 in the target and the user agent.
    const status = await raw(
      Buffer.concat([
        Buffer.from('GET /raw'),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from(' HTTP/1.1\r\nHost: x\r\nUser-Agent: '),
        Buffer.from([0xff, 0xfe, 0x00]),
        Buffer.from('\r\nConnection: close\r\n\r\n'),
      ]),
    )
    expect(status).toMatch(/^HTTP\/1\.1 (200|400)/)
    await stats.flush()
    const stored = new Map(rows().map((row) => [String(row.path), row.status_code]))
    expect(stored.get('/caf%C3%28')).toBe(statuses.get('/caf%C3%28'))
    expect(stored.get('/nul\uFFFDbyte')).toBe(statuses.get('/nul%00byte'))
    expect(stored.get('/%FF%FE')).toBe(statuses.get('/%FF%FE'))
    expect(stored.get('/emoji😀')).toBe(statuses.get('/emoji%F0%9F%98%80'))
    const api = await fetch(`${base}/statistics/api/stats`)
    expect(api.status).toBe(200)
  })

  it('keeps the breakdowns bounded when a scanner requests thousands of distinct paths', async () => {
    const scanned = 3000
    for (let batch = 0; batch < scanned; batch += 100) {
      await Promise.all(Array.from({ length: 100 }, (_, i) => fetch(`${base}/scan/${batch + i}-${Math.random().toString(36).slice(2)}`).then((r) => r.text())))
    }
    await stats.flush()
    expect(rows().filter((row) => String(row.path).startsWith('/scan/'))).toHaveLength(scanned)
    const answer = (await (await fetch(`${base}/statistics/api/stats`)).json()) as {
      hits: number
      paths: { count: number }[]
      routes: unknown[]
      other: { paths: number }
    }
    expect(answer.hits).toBe(rows().length)
    expect(answer.paths).toHaveLength(100)
    // The rest of the scan is one number, not thousands of entries.
    expect(answer.other.paths).toBe(answer.hits - answer.paths.reduce((sum, path) => sum + path.count, 0))
    expect(answer.other.paths).toBeGreaterThan(2800)
    expect(answer.routes.length).toBeLessThanOrEqual(100)
    expect(((await (await fetch(`${base}/statistics/api/stats?top=1000`)).json()) as { paths: unknown[] }).paths).toHaveLength(1000)
    expect((await fetch(`${base}/statistics/api/stats?top=1001`)).status).toBe(400)
  }, 60_000)
})
