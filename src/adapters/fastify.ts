import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify'
import fp from 'fastify-plugin'
import { Statgraph, type StatgraphHandle } from '../core/statgraph.js'
import { resolveOptions, type StatgraphOptions } from '../core/statgraph-options.js'
import { StatgraphError } from '../errors/statgraph-error.js'
import { routingRules } from '../record/path-matcher.js'
import { ResponseTracker } from './http/response-tracker.js'
import { toWebRequest } from '../dashboard/web-bridge.js'

/** statgraph's options for Fastify: `protect` is a `preHandler` hook, `disable` gets Fastify's request. */
export type FastifyStatgraphOptions = StatgraphOptions<FastifyRequest, preHandlerHookHandler>

declare module 'fastify' {
  interface FastifyInstance {
    /** The handle on statgraph: `flush()`, `close()` (also run by `app.close()`), `counts()`, … */
    statgraph: StatgraphHandle
  }
  interface FastifyContextConfig {
    /** `false` leaves this route's requests unrecorded. */
    statgraph?: boolean
  }
}

async function statgraphPlugin(fastify: FastifyInstance, options: FastifyStatgraphOptions): Promise<void> {
  // Fastify tells `/Health` and `/health/` from `/health` unless told not to.
  const { caseSensitive, ignoreTrailingSlash } = fastify.initialConfig
  const rules = routingRules(caseSensitive !== false, ignoreTrailingSlash !== true)
  // Fastify's own logger unless the app names another.
  const core = new Statgraph(resolveOptions({ logger: fastify.log, ...withoutRegisterOptions(options) }), () => rules)
  if (fastify.hasDecorator('statgraph')) {
    throw new StatgraphError('STATGRAPH_MISPLACED', 'statgraph: the plugin is registered twice on this Fastify instance; register it once, at the root')
  }
  // The root instance is a plain object; each encapsulated scope inherits from its parent's.
  if (Object.getPrototypeOf(fastify) !== Object.prototype) {
    throw new StatgraphError(
      'STATGRAPH_MISPLACED',
      `statgraph: register the plugin on the app itself (await app.register(statgraph) on what Fastify() returned), not inside another plugin's scope${fastify.prefix === '' ? '' : ` (prefix "${fastify.prefix}")`}: there it would record only that scope's requests and serve the dashboard under its prefix`,
    )
  }
  fastify.decorate('statgraph', core)
  fastify.addHook('onClose', async () => core.close())

  fastify.addHook('onRequest', (request, reply, done) => {
    // routeOptions is built afresh on every read: read it once.
    const route = request.routeOptions
    // The dashboard's own requests and routes with `config: { statgraph: false }` are not recorded.
    if ((route.config as { statgraph?: boolean } | undefined)?.statgraph !== false && !core.isDashboardUrl(request.url) && core.shouldRecord(request)) {
      const tracker = new ResponseTracker(request.raw, reply.raw, core.record, request.url)
      tracker.route = route.url
      // `request.ip` follows the instance's `trustProxy` option.
      if (core.frameworkAddress) tracker.remoteAddress = request.ip
    }
    done()
  })
  // Runs for every error a route throws or rejects with, before any error handler answers.
  fastify.addHook('onError', (request, _reply, error, done) => {
    ResponseTracker.captureError(request.raw, error)
    done()
  })

  async function dashboard(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const response = await core.dashboard(toWebRequest(request.raw, request.url, request.body))
    reply.code(response.status)
    response.headers.forEach((value, name) => {
      reply.header(name, value)
    })
    // Streamed as the client takes it: an export of any size holds one page in memory.
    return reply.send(response.body === null ? undefined : Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>))
  }
  const preHandler = core.protect === undefined ? [] : [core.protect]
  for (const url of [core.prefix, `${core.prefix}/*`]) {
    fastify.route({ method: 'GET', url, config: { statgraph: false }, preHandler, handler: dashboard })
  }
  fastify.route({ method: 'POST', url: `${core.prefix}/api/annotations`, config: { statgraph: false }, preHandler, handler: dashboard })
}

/** Fastify's own options of `register`, which it hands the plugin along with statgraph's. */
const REGISTER_OPTIONS = new Set(['logLevel', 'logSerializers'])

function withoutRegisterOptions(options: FastifyStatgraphOptions): FastifyStatgraphOptions {
  return Object.fromEntries(Object.entries(options).filter(([name]) => !REGISTER_OPTIONS.has(name))) as FastifyStatgraphOptions
}

/**
 * The Fastify 4 and 5 plugin: records every request and serves the dashboard at `prefix` (default
 * `/statistics`). Register it at the root; `app.statgraph` is the handle, and `app.close()` closes it.
 *
 * @example
 * import Fastify from 'fastify'
 * import { statgraph } from 'statgraph/fastify'
 *
 * const app = Fastify()
 * await app.register(statgraph, { protect: async (request, reply) => { if (!request.headers.authorization) await reply.code(401).send() } })
 * app.get('/', async () => 'Hello World!')
 */
export const statgraph = fp(statgraphPlugin, { name: 'statgraph', fastify: '4.x || 5.x' })
