import type { Server } from 'node:http'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { createAdaptorServer } from '@hono/node-server'
import Database from 'better-sqlite3'
import { Hono } from 'hono'
import { stream } from 'hono/streaming'
import { describe, expect, it, vi } from 'vitest'
import { statgraph } from '../../src/adapters/hono.js'
import { tempDir } from '../helpers/temp-dir.js'
import { listen } from './apps/listen.js'

const dir = tempDir()

// Off @hono/node-server (here: app.request(), as on Bun, Deno or Workers) there is no Node response
// to watch; statgraph counts the bytes of the body the app returns instead.
describe('statgraph/hono without a Node server', () => {
  it('records status, type, streamed bytes and thrown errors from the returned Response', async () => {
    const file = join(dir, 'hono-web.db')
    const app = new Hono()
    const stats = statgraph({ database: file })
    app.use(stats.middleware)
    app.get('/', (c) => c.html('Hello World!'))
    app.get('/stream', (c) =>
      stream(c, async (out) => {
        await out.write('abc')
        await out.write('ünï')
      }),
    )
    app.get('/boom', () => {
      throw new Error('division by zero')
    })
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const sizes: number[] = []
    for (const path of ['/', '/stream', '/boom', '/nowhere']) {
      const response = await app.request(path, { headers: { 'user-agent': 'curl/8.5.0', 'x-forwarded-for': '203.0.113.5' } })
      sizes.push((await response.arrayBuffer()).byteLength)
    }
    expect(sizes.slice(0, 2)).toEqual([12, Buffer.byteLength('abcünï')])
    await stats.close()
    const db = new Database(file, { readonly: true })
    const rows = db.prepare('select path, status_code, size, mimetype, exception, bot from request order by "index"').all()
    db.close()
    expect(rows).toEqual([
      { path: '/', status_code: 200, size: 12, mimetype: 'text/html', exception: null, bot: 1 },
      { path: '/stream', status_code: 200, size: Buffer.byteLength('abcünï'), mimetype: null, exception: null, bot: 1 },
      { path: '/boom', status_code: 500, size: sizes[2], mimetype: 'text/plain', exception: 'Error: division by zero', bot: 1 },
      { path: '/nowhere', status_code: 404, size: sizes[3], mimetype: 'text/plain', exception: null, bot: 1 },
    ])
  })
})

// On Node the middleware does not wait for the chain: it reads the route and c.error off the
// context when the response ends.
describe('statgraph/hono on @hono/node-server', () => {
  it("records the answering route and the error a sub-app's own onError answered", async () => {
    const file = join(dir, 'hono-node.db')
    const app = new Hono()
    const stats = statgraph({ database: file })
    app.use(stats.middleware)
    const api = new Hono()
    api.get('/items/:id', () => {
      throw new Error('no such item')
    })
    api.onError((error, c) => c.json({ error: error.message }, 422))
    app.route('/api', api)
    app.get('/users/:id', async (c) => {
      await sleep(5)
      return c.text(c.req.param('id'))
    })
    app.use('/private/*', async (c) => c.text('log in first', 401))
    app.get('/private/page', (c) => c.text('secret'))
    const running = await listen(createAdaptorServer({ fetch: app.fetch }) as Server)
    const statuses: number[] = []
    for (const path of ['/api/items/7', '/users/42', '/private/page', '/nowhere']) {
      const response = await fetch(`${running.url}${path}`)
      await response.arrayBuffer()
      statuses.push(response.status)
    }
    await running.close()
    await stats.close()
    expect(statuses).toEqual([422, 200, 401, 404])
    const db = new Database(file, { readonly: true })
    const rows = db.prepare('select path, route, status_code, exception from request order by "index"').all()
    db.close()
    expect(rows).toEqual([
      { path: '/api/items/7', route: '/api/items/:id', status_code: 422, exception: 'Error: no such item' },
      { path: '/users/42', route: '/users/:id', status_code: 200, exception: null },
      // A middleware answered: no route did.
      { path: '/private/page', route: null, status_code: 401, exception: null },
      { path: '/nowhere', route: null, status_code: 404, exception: null },
    ])
  })
})
