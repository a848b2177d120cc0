import type { Server } from 'node:http'
import { createAdaptorServer } from '@hono/node-server'
import { Hono, type MiddlewareHandler } from 'hono'
import { stream } from 'hono/streaming'
import { statgraph } from '../../../src/adapters/hono.js'
import { type AppOptions, type AppSetup, isDisabledCookie, LARGE_SIZE, slowly, STREAM_CHUNKS } from './app-setup.js'
import { listen } from './listen.js'

const protect: Record<string, MiddlewareHandler> = {
  allow: (_c, next) => next(),
  deny: async (c) => c.json({ error: 'log in first' }, 401),
  redirect: async (c) => c.redirect('/login'),
}

export const honoSetup: AppSetup = {
  name: 'Hono 4',
  knowsRoutes: true,
  frameworkProxy: false,
  async start(options: AppOptions) {
    const app = new Hono()
    const stats = statgraph({
      database: options.database,
      trustProxy: options.trustProxy,
      ignore: options.ignore,
      protect: options.protect && protect[options.protect],
      auth: options.auth,
      disable: options.disable ? (c) => isDisabledCookie(c.req.header('cookie')) : undefined,
    })
    app.use(stats.middleware)
    app.route('/statistics', stats.app)
    app.get('/', (c) => c.html('Hello World!'))
    app.post('/items', async (c) => c.json({ received: await c.req.json() }, 201))
    app.get('/boom', () => {
      throw new Error('division by zero')
    })
    app.get('/async-boom', async () => {
      await Promise.resolve()
      throw new TypeError('lookup failed')
    })
    app.get('/stream', (c) => {
      c.header('content-type', 'text/plain; charset=utf-8')
      return stream(c, async (out) => {
        for (const [i, chunk] of STREAM_CHUNKS.entries()) {
          if (i > 0) await out.sleep(10)
          await out.write(chunk)
        }
      })
    })
    app.get('/slow', async (c) => {
      await slowly()
      return c.text('done')
    })
    app.get('/large', (c) => c.body(Buffer.alloc(LARGE_SIZE, 120), 200, { 'content-type': 'application/octet-stream' }))
    app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }))
    app.onError((_error, c) => c.text('Internal Server Error', 500))
    const running = await listen(createAdaptorServer({ fetch: app.fetch }) as Server)
    return { url: running.url, stats, close: async () => (await running.close(), await stats.close()) }
  },
}
