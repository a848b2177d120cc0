import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import Router from '@koa/router'
import Koa, { type Middleware } from 'koa'
import { statgraph } from '../../../src/adapters/koa.js'
import { type AppOptions, type AppSetup, isDisabledCookie, LARGE_SIZE, slowly, STREAM_CHUNKS } from './app-setup.js'
import { listen } from './listen.js'
import { Readable } from 'node:stream'

const Koa2 = createRequire(import.meta.url)('koa2') as typeof Koa

const protect: Record<string, Middleware> = {
  allow: (_ctx, next) => next(),
  deny: (ctx) => {
    ctx.status = 401
    ctx.body = { error: 'log in first' }
  },
  redirect: (ctx) => ctx.redirect('/login'),
}

function koaSetup(name: string, KoaClass: typeof Koa): AppSetup {
  return {
    name,
    knowsRoutes: true,
    frameworkProxy: true,
    async start(options: AppOptions) {
      const app = new KoaClass(options.frameworkProxy ? { proxy: true, maxIpsCount: 1 } : {})
      app.silent = true
      const stats = statgraph({
        database: options.database,
        trustProxy: options.trustProxy,
        ignore: options.ignore,
        protect: options.protect && protect[options.protect],
        auth: options.auth,
        disable: options.disable ? (ctx) => isDisabledCookie(ctx.get('cookie')) : undefined,
      })
      app.use(stats)
      const router = new Router()
      router.get('/', (ctx) => {
        ctx.type = 'text/html; charset=utf-8'
        ctx.body = 'Hello World!'
      })
      router.post('/items', async (ctx) => {
        let body = ''
        for await (const chunk of ctx.req) body += chunk
        ctx.status = 201
        ctx.body = { received: JSON.parse(body) }
      })
      router.get('/boom', () => {
        throw new Error('division by zero')
      })
      router.get('/async-boom', async () => {
        await Promise.resolve()
        throw new TypeError('lookup failed')
      })
      router.get('/stream', (ctx) => {
        ctx.type = 'text/plain; charset=utf-8'
        ctx.body = Readable.from(
          (async function* () {
            for (const [i, chunk] of STREAM_CHUNKS.entries()) {
              if (i > 0) await new Promise((resolve) => setTimeout(resolve, 10))
              yield Buffer.from(chunk)
            }
          })(),
        )
      })
      router.get('/slow', async (ctx) => {
        await slowly()
        ctx.type = 'text/plain'
        ctx.body = 'done'
      })
      router.get('/large', (ctx) => {
        ctx.type = 'application/octet-stream'
        ctx.body = Buffer.alloc(LARGE_SIZE, 120)
      })
      router.get('/users/:id', (ctx) => {
        ctx.body = { id: ctx.params.id }
      })
      app.use(router.routes())
      const server = await listen(createServer(app.callback()))
      return { url: server.url, stats, close: async () => (await server.close(), await stats.close()) }
    },
  }
}

export const koa2Setup = koaSetup('Koa 2', Koa2)
export const koa3Setup = koaSetup('Koa 3', Koa)
