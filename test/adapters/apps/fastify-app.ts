import { createRequire } from 'node:module'
import { Readable } from 'node:stream'
import Fastify, { type preHandlerHookHandler } from 'fastify'
import { statgraph } from '../../../src/adapters/fastify.js'
import { type AppOptions, type AppSetup, isDisabledCookie, LARGE_SIZE, slowly, STREAM_CHUNKS } from './app-setup.js'

const Fastify4 = createRequire(import.meta.url)('fastify4') as typeof Fastify

/** `protect` in the three ways the suite asks for, as Fastify preHandler hooks. */
export const fastifyProtect: Record<string, preHandlerHookHandler> = {
  allow: (_request, _reply, done) => done(),
  deny: async (_request, reply) => {
    await reply.code(401).send({ error: 'log in first' })
  },
  redirect: async (_request, reply) => {
    await reply.redirect('/login')
  },
}

function fastifySetup(name: string, factory: typeof Fastify): AppSetup {
  return {
    name,
    knowsRoutes: true,
    frameworkProxy: true,
    async start(options: AppOptions) {
      const app = factory(options.frameworkProxy ? { trustProxy: 1 } : {})
      await app.register(statgraph, {
        database: options.database,
        trustProxy: options.trustProxy,
        ignore: options.ignore,
        protect: options.protect && fastifyProtect[options.protect],
        auth: options.auth,
        disable: options.disable ? (request) => isDisabledCookie(request.headers.cookie) : undefined,
      })
      app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send('Hello World!'))
      app.post('/items', async (request, reply) => reply.code(201).send({ received: request.body }))
      app.get('/boom', () => {
        throw new Error('division by zero')
      })
      app.get('/async-boom', async () => {
        await Promise.resolve()
        throw new TypeError('lookup failed')
      })
      app.get('/stream', async (_request, reply) =>
        reply.type('text/plain; charset=utf-8').send(
          Readable.from(
            (async function* () {
              for (const [i, chunk] of STREAM_CHUNKS.entries()) {
                if (i > 0) await new Promise((resolve) => setTimeout(resolve, 10))
                yield Buffer.from(chunk)
              }
            })(),
          ),
        ),
      )
      app.get('/slow', async (_request, reply) => {
        await slowly()
        return reply.type('text/plain').send('done')
      })
      app.get('/large', async (_request, reply) => reply.type('application/octet-stream').send(Buffer.alloc(LARGE_SIZE, 120)))
      app.get<{ Params: { id: string } }>('/users/:id', async (request) => ({ id: request.params.id }))
      const url = await app.listen({ port: 0, host: '127.0.0.1' })
      return { url, stats: app.statgraph, close: () => app.close() }
    },
  }
}

export const fastify4Setup = fastifySetup('Fastify 4', Fastify4)
export const fastify5Setup = fastifySetup('Fastify 5', Fastify)
