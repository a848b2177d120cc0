import type { Context, Middleware, Next } from 'koa'
import { Statgraph, type StatgraphHandle } from '../core/statgraph.js'
import { resolveOptions, type StatgraphOptions } from '../core/statgraph-options.js'
import { routingRules } from '../record/path-matcher.js'
import { withHandle } from '../core/with-handle.js'
import type { Logger } from '../log/logger.js'
import { ResponseTracker } from './http/response-tracker.js'
import { sendWebResponse, toWebRequest } from '../dashboard/web-bridge.js'

/** statgraph's options for Koa: `protect` is Koa middleware, `disable` gets the Koa context. */
export type KoaStatgraphOptions = StatgraphOptions<Context, Middleware>

/** The Koa middleware, which is also the handle on statgraph (`flush`, `close`, `counts`, …). */
export type StatgraphMiddleware = Middleware & StatgraphHandle

type KoaApp = Context['app']
const watchedApps = new WeakSet<KoaApp>()

/**
 * Koa 2 and 3 middleware that records every request and serves the dashboard at `prefix`
 * (default `/statistics`). Use it first, so it times the whole request and sees every error.
 *
 * @example
 * import Koa from 'koa'
 * import { statgraph } from 'statgraph/koa'
 *
 * const app = new Koa()
 * const stats = statgraph({ protect: async (ctx, next) => (ctx.state.user?.admin ? next() : ctx.throw(403)) })
 * app.use(stats)
 */
export function statgraph(options?: KoaStatgraphOptions): StatgraphMiddleware {
  // Koa routes with a router of the app's choosing; @koa/router's defaults ignore case and a trailing slash.
  const rules = routingRules(false, false)
  const core = new Statgraph(resolveOptions(options), () => rules)

  async function respond(ctx: Context): Promise<void> {
    // Under koa-mount, `ctx.url` lost the mount path that `originalUrl` keeps.
    const response = core.isDashboardUrl(ctx.originalUrl)
      ? await core.dashboard(toWebRequest(ctx.req, ctx.url, (ctx.request as { body?: unknown }).body))
      : core.misplacedDashboard(ctx.originalUrl)
    // The answer is complete; Koa's own body handling would only convert it again.
    ctx.respond = false
    await sendWebResponse(response, ctx.res, core.logger)
  }

  async function statgraphMiddleware(ctx: Context, next: Next): Promise<void> {
    // On the dashboard's requests too: routers before statgraph let those through.
    watchApp(ctx.app, statgraphMiddleware, core.logger)
    if (core.isDashboardUrl(ctx.url)) {
      // The dashboard's own requests are answered here and never recorded.
      if (core.protect === undefined) return respond(ctx)
      return void (await core.protect(ctx, () => respond(ctx)))
    }
    if (!core.shouldRecord(ctx)) return next()
    const tracker = new ResponseTracker(ctx.req, ctx.res, core.record, ctx.originalUrl)
    // `ctx.ip` follows `app.proxyIpHeader` and `app.maxIpsCount` when `app.proxy` is on; off, it
    // is the socket's peer, which the tracker has read already.
    if (core.frameworkAddress && ctx.app.proxy) tracker.remoteAddress = ctx.ip
    try {
      await next()
    } catch (error) {
      ResponseTracker.captureError(ctx.req, error)
      throw error
    } finally {
      tracker.route = matchedRoute(ctx)
    }
  }

  return withHandle(statgraphMiddleware, core)
}

/** The route pattern @koa/router matched (it keeps it in `ctx._matchedRoute`). */
function matchedRoute(ctx: Context): string | undefined {
  const route = (ctx as Context & { _matchedRoute?: unknown })._matchedRoute
  return route === undefined ? undefined : String(route)
}

/**
 * Once per app: errors that an error-handling middleware placed after statgraph catches never pass
 * through statgraph's `try`; Koa apps report those with `app.emit('error', error, ctx)`, so listen
 * there too. And a router used before statgraph answers its requests before statgraph sees them:
 * Koa cannot tell at `app.use`, so the first request says so.
 */
function watchApp(app: KoaApp, middleware: Middleware, logger: Logger): void {
  if (watchedApps.has(app)) return
  watchedApps.add(app)
  app.on('error', (error: unknown, ctx?: Context) => {
    if (ctx?.req !== undefined) ResponseTracker.captureError(ctx.req, error)
  })
  const stack = (app as KoaApp & { middleware?: unknown[] }).middleware ?? []
  // @koa/router's `routes()` middleware carries its router.
  const routers = stack.slice(0, Math.max(0, stack.indexOf(middleware))).filter((earlier) => (earlier as { router?: unknown }).router !== undefined)
  if (routers.length > 0) {
    logger.warn(
      `statgraph: app.use(stats) comes after ${routers.length} router(s), and the requests they answer are not recorded; app.use(stats) first, before the routers`,
    )
  }
}
