import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import express5 from 'express'
import { statgraph } from '../../../src/adapters/express.js'
import type { ConnectMiddleware } from '../../../src/adapters/http/connect-dashboard.js'
import { type AppOptions, type AppSetup, isDisabledCookie, LARGE_SIZE, slowly, STREAM_CHUNKS } from './app-setup.js'
import { listen } from './listen.js'

const express4 = createRequire(import.meta.url)('express4') as typeof express5

/** `protect` in the three ways the suite asks for, as Express middleware. */
export const expressProtect: Record<string, ConnectMiddleware<express5.Request, express5.Response>> = {
  allow: (_req, _res, next) => next(),
  deny: (_req, res) => res.status(401).json({ error: 'log in first' }),
  redirect: (_req, res) => res.redirect('/login'),
}

/** The suite's routes (see AppSetup), the Express way; Express 4 and 5 alike. */
export function addRoutes(app: express5.Express, express: typeof express5): void {
  app.get('/', (_req, res) => {
    res.type('text/html; charset=utf-8').send('Hello World!')
  })
  app.post('/items', express.json(), (req, res) => {
    res.status(201).json({ received: req.body })
  })
  app.get('/boom', () => {
    throw new Error('division by zero')
  })
  // Express 4 does not catch rejections; its apps pass them to next.
  app.get('/async-boom', (_req, _res, next) => {
    Promise.reject(new TypeError('lookup failed')).catch(next)
  })
  app.get('/stream', (_req, res) => {
    res.type('text/plain; charset=utf-8')
    let i = 0
    const write = () => (i < STREAM_CHUNKS.length - 1 ? (res.write(STREAM_CHUNKS[i++]), setTimeout(write, 10)) : res.end(STREAM_CHUNKS[i]))
    write()
  })
  app.get('/slow', async (_req, res) => {
    await slowly()
    res.type('text/plain').send('done')
  })
  app.get('/large', (_req, res) => {
    res.type('application/octet-stream').send(Buffer.alloc(LARGE_SIZE, 120))
  })
  app.get('/users/:id', (req, res) => {
    res.json({ id: req.params.id })
  })
}

function expressSetup(name: string, express: typeof express5): AppSetup {
  return {
    name,
    knowsRoutes: true,
    frameworkProxy: true,
    async start(options: AppOptions) {
      const app = express()
      if (options.frameworkProxy) app.set('trust proxy', 1)
      const stats = statgraph(app, {
        database: options.database,
        trustProxy: options.trustProxy,
        ignore: options.ignore,
        protect: options.protect && expressProtect[options.protect],
        auth: options.auth,
        disable: options.disable ? (req) => isDisabledCookie(req.headers.cookie) : undefined,
      })
      addRoutes(app, express)
      const server = await listen(createServer(app))
      return { url: server.url, stats, close: async () => (await server.close(), await stats.close()) }
    },
  }
}

export const express4Setup = expressSetup('Express 4', express4)
export const express5Setup = expressSetup('Express 5', express5)
