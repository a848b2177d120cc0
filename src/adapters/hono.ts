import type { IncomingMessage, ServerResponse } from 'node:http'
import { type Context, Hono, type MiddlewareHandler, type Next } from 'hono'
import { matchedRoutes } from 'hono/route'
import { Statgraph, type StatgraphHandle } from '../core/statgraph.js'
import { resolveOptions, type StatgraphOptions } from '../core/statgraph-options.js'
import { withHandle } from '../core/with-handle.js'
import { describeError } from '../record/describe-error.js'
import { CLIENT_CLOSED_REQUEST, type RequestFacts } from '../record/request-record.js'
import { type FinishedFacts, ResponseTracker } from './http/response-tracker.js'
import { meterResponse } from './web/meter-response.js'

/** statgraph's options for Hono: `protect` is Hono middleware, `disable` gets the Hono context. */
export type HonoStatgraphOptions = StatgraphOptions<Context, MiddlewareHandler>

/** What `statgraph()` gives a Hono app: the recording middleware, the dashboard sub-app, and the handle. */
export interface HonoStatgraph extends StatgraphHandle {
  /** Records every request; `app.use(stats.middleware)` before the routes. */
  readonly middleware: MiddlewareHandler
  /** The dashboard behind `protect`; mount it at the prefix: `app.route('/statistics', stats.app)`. */
  readonly app: Hono
}

/** What @hono/node-server hands each request as `c.env`. */
interface NodeBindings {
  incoming?: IncomingMessage
  outgoing?: ServerResponse
}

/**
 * Hono 4 recording middleware and dashboard sub-app. On `@hono/node-server` it measures the bytes
 * the Node response writes; elsewhere (`app.request()` in tests, other servers) it counts the bytes
 * of the returned body. The default SQLite store needs Node.js.
 *
 * @example
 * import { Hono } from 'hono'
 * import { serve } from '@hono/node-server'
 * import { statgraph } from 'statgraph/hono'
 *
 * const app = new Hono()
 * const stats = statgraph()
 * app.use(stats.middleware)
 * app.route('/statistics', stats.app)
 * app.get('/', (c) => c.text('Hello World!'))
 * serve(app)
 */
export function statgraph(options?: HonoStatgraphOptions): HonoStatgraph {
  const core = new Statgraph(resolveOptions(options))

  const middleware: MiddlewareHandler = function statgraphMiddleware(c, next) {
    if (core.isDashboardUrl(c.req.path) || !core.shouldRecord(c)) return next()
    const { incoming, outgoing } = (c.env ?? {}) as NodeBindings
    if (incoming === undefined || outgoing === undefined) return recordFetchResponse(core, c, next)
    // Followed to the response's end, where the route and the error are read off the context: not
    // awaiting `next()` spares every request an async frame of Hono's middleware chain.
    new ResponseTracker(incoming, outgoing, core.record, undefined, FINISHED, c)
    return next()
  }

  const app = new Hono()
  if (core.protect !== undefined) app.use(core.protect)
  // `c.req.path` is the whole path: mounted by `app.route()` at another path than the prefix, it shows.
  app.all('*', (c) => (core.isDashboardUrl(c.req.path) ? core.dashboard(c.req.raw) : core.misplacedDashboard(c.req.path)))

  return withHandle({ middleware, app }, core)
}

/** What a Hono request tells when its response has ended. */
const FINISHED: FinishedFacts<Context> = {
  route: respondingRoute,
  // Hono has no proxy setting of its own: the socket's peer and `X-Forwarded-For`.
  address: () => undefined,
  // Hono hands a thrown error to app.onError and keeps it in c.error.
  error: (c) => c.error,
}

/** Records a request outside Node's server (`app.request()`, other runtimes): the bytes of the returned body are counted. */
async function recordFetchResponse(core: Statgraph<Context, MiddlewareHandler>, c: Context, next: Next): Promise<void> {
  const facts = startFacts(c)
  const start = performance.now()
  await next()
  facts.route = respondingRoute(c)
  facts.status = c.res.status
  facts.contentType = c.res.headers.get('content-type') ?? undefined
  facts.exception = c.error === undefined ? null : describeError(c.error)
  c.res = meterResponse(c.res, (size, whole) => {
    if (!whole && facts.exception === null) facts.status = CLIENT_CLOSED_REQUEST
    facts.size = facts.method === 'HEAD' ? 0 : size
    facts.responseTime = performance.now() - start
    core.record(facts)
  })
}

/**
 * The pattern of the route that answered, e.g. `/users/:id`. Once the chain has run, Hono's route
 * index points at the handler that responded; a middleware (method ALL) answering means no route matched.
 */
function respondingRoute(c: Context): string | undefined {
  const route = matchedRoutes(c)[c.req.routeIndex]
  return route === undefined || route.method === 'ALL' ? undefined : route.path
}

function startFacts(c: Context): RequestFacts {
  const url = new URL(c.req.url)
  return {
    date: Date.now(),
    responseTime: 0,
    method: c.req.method,
    url: url.pathname + url.search,
    route: undefined,
    status: 0,
    size: 0,
    userAgent: c.req.header('user-agent'),
    referrer: c.req.header('referer'),
    remoteAddress: undefined,
    forwardedFor: c.req.header('x-forwarded-for'),
    contentType: undefined,
    exception: null,
    requestSize: bodyLength(c.req.header('content-length')),
  }
}

function bodyLength(header: string | undefined): number | undefined {
  const length = Number(header)
  return header === undefined || !Number.isFinite(length) ? undefined : length
}
