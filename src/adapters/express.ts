import type { IncomingMessage, ServerResponse } from 'node:http'
import type { NextFunction, Request, Response } from 'express'
import { Statgraph, type StatgraphHandle } from '../core/statgraph.js'
import { resolveOptions, type StatgraphOptions } from '../core/statgraph-options.js'
import { StatgraphError } from '../errors/statgraph-error.js'
import { routingRules } from '../record/path-matcher.js'
import { checkPlacement } from './express/check-placement.js'
import { type ConnectMiddleware, type Next, serveConnectDashboard } from './http/connect-dashboard.js'
import { countOnPrototype } from './http/count-on-prototype.js'
import { type FinishedFacts, ResponseTracker } from './http/response-tracker.js'

/** The parts of an Express 4 or 5 application statgraph uses. */
export interface ExpressApp {
  use(...handlers: unknown[]): unknown
  /** Where every request enters the app (`app(req, res)` calls it). */
  handle?: (req: IncomingMessage, res: ServerResponse, callback?: unknown) => unknown
  /** The prototype Express gives the app's responses (a mounted sub-app's inherits it). */
  response?: object
  /** Whether a setting is on: `case sensitive routing`, `strict routing`. */
  enabled?(setting: string): boolean
}

/** statgraph's options for Express: `protect` is Express middleware, `disable` gets Express's `req`. */
export type ExpressStatgraphOptions = StatgraphOptions<Request, ConnectMiddleware<Request, Response>>

/**
 * Records every request `app` serves and mounts the dashboard at `prefix` (default `/statistics`).
 * Call it before adding routes. Works with Express 4 and 5.
 *
 * @example
 * import express from 'express'
 * import { statgraph } from 'statgraph/express'
 *
 * const app = express()
 * const stats = statgraph(app, { protect: requireAdmin })
 * app.get('/', (req, res) => res.send('Hello World!'))
 */
export function statgraph(app: ExpressApp, options?: ExpressStatgraphOptions): StatgraphHandle {
  if (typeof app?.use !== 'function') throw new StatgraphError('STATGRAPH_INVALID_APP', 'statgraph: the first argument must be an Express app')
  checkPlacement(app)
  // Express routes `/Health` and `/health/` as `/health` unless the app turns that off.
  const core = new Statgraph(resolveOptions(options), () =>
    routingRules(app.enabled?.('case sensitive routing') === true, app.enabled?.('strict routing') === true),
  )

  trackBeforeExpress(app, core)
  // Every layer costs each request of the app a router step, about a microsecond: the dashboard's
  // is mounted at its prefix, as `app.use(prefix, protect, dashboard)` would be, and the opt-out
  // hook, which needs Express's `req`, gets a layer for all requests only when there is one.
  app.use(core.prefix, function statgraphDashboard(req: Request, res: Response, next: NextFunction): void {
    const url = req.originalUrl ?? req.url ?? '/'
    // The dashboard's own requests are served here and never recorded.
    if (core.isDashboardUrl(url)) serveConnectDashboard(core, req, res, next, url)
    else next()
  })
  if (core.optsOut) {
    app.use(function statgraphOptOut(req: Request, _res: Response, next: NextFunction): void {
      // The opt-out hook gets Express's `req`, as the app's own middleware does.
      if (!core.shouldRecord(req)) ResponseTracker.of(req)?.cancel()
      next()
    })
  }
  captureErrors(app)
  return core
}

/**
 * Starts following each response in `app.handle`, before Express swaps the prototypes of `req` and
 * `res` for its own: V8 keeps no shape for properties added to an object after
 * `Object.setPrototypeOf`, so each of the tracker's would cost every request microseconds there
 * (and garbage), against nanoseconds before it. The bytes are counted on `app.response`, the
 * prototype Express gives the app's responses (a mounted sub-app's inherits it), so that the
 * tracker adds nothing to `req` and only itself to `res`.
 */
function trackBeforeExpress(app: ExpressApp, core: Statgraph<Request, ConnectMiddleware<Request, Response>>): void {
  const handle = app.handle
  if (typeof handle !== 'function' || typeof app.response !== 'object' || app.response === null)
    throw new StatgraphError('STATGRAPH_INVALID_APP', 'statgraph: this does not look like an Express 4 or 5 app (no app.handle or app.response)')
  countOnPrototype(app.response as ServerResponse)
  const finished: FinishedFacts = {
    // The route pattern that answered, with the mount path of the router it belongs to.
    route(req) {
      const { route, baseUrl } = req as Request
      if (route === undefined) return undefined
      // No new string for a route of the app's own router (no mount path), the common case.
      return baseUrl ? baseUrl + String(route.path) : String(route.path)
    },
    // `req.ip` follows the app's `trust proxy` setting; without one it is the socket's peer, which
    // the tracker reads itself, sparing each request Express's parse of X-Forwarded-For. The setting
    // is read off `app`, not `req.app`: each read of `req` costs a lookup once Express has swapped
    // its prototype. A request that never reached Express 4's own middleware has no `ip`.
    address(req) {
      if (!core.frameworkAddress || app.enabled?.('trust proxy') !== true) return undefined
      return (req as Partial<Request>).ip
    },
  }
  app.handle = function (this: unknown, req: IncomingMessage, res: ServerResponse, callback?: unknown) {
    const url = req.url ?? '/'
    // statgraph refuses to run in a mounted app (see checkPlacement): `req.url` is the client's.
    if (!core.isDashboardUrl(url)) {
      // The link Express makes itself before its swap (Express 4 a step later), made here first so
      // that an error Express 4 meets before that step still finds the tracker.
      ;(req as Partial<Request>).res = res as Response
      new ResponseTracker(req, res, core.record, url, finished, req, true)
    }
    return handle.call(this, req, res, callback)
  }
}

const PATCHED = Symbol.for('statgraph.express.patched')

type Layer = Record<string | symbol, unknown>
type Router = { stack?: Layer[]; handle?: (req: Request, res: Response, done: Next) => unknown } & Record<symbol, unknown>

/**
 * Lets statgraph see the error a handler threw, even when the app's own error handler answers.
 * Express passes such errors to every later layer's `handleError` (Express 5) or `handle_error`
 * (Express 4), and, when no error middleware takes them, to the router's final callback; both are
 * wrapped. The wrappers only note the error on requests statgraph tracks and change nothing else.
 */
function captureErrors(app: ExpressApp): void {
  const appWithRouter = app as ExpressApp & { router?: Router; _router?: Router }
  // Express 4 keeps its router in `_router` (its `app.router` getter throws); Express 5 in `app.router`.
  const router = appWithRouter._router ?? appWithRouter.router
  const layer = router?.stack?.[0]
  if (router === undefined || layer === undefined || typeof router.handle !== 'function') {
    throw new StatgraphError('STATGRAPH_INVALID_APP', 'statgraph: this does not look like an Express 4 or 5 app (no router after app.use)')
  }
  const layerPrototype = Object.getPrototypeOf(layer) as Layer
  for (const name of ['handleError', 'handle_error']) {
    const original = layerPrototype[name]
    if (typeof original !== 'function' || (original as unknown as Layer)[PATCHED]) continue
    const wrapped = function (this: unknown, error: unknown, req: Request, ...rest: unknown[]) {
      ResponseTracker.captureError(req, error)
      return original.call(this, error, req, ...rest)
    }
    ;(wrapped as unknown as Layer)[PATCHED] = true
    layerPrototype[name] = wrapped
  }
  if (router[PATCHED]) return
  router[PATCHED] = true
  const handle = router.handle
  router.handle = function (this: unknown, req: Request, res: Response, done: Next) {
    return handle.call(this, req, res, function statgraphFinal(error?: unknown) {
      if (error !== undefined && error !== null) ResponseTracker.captureError(req, error)
      return done(error)
    })
  }
}
