import type { Logger } from '../log/logger.js'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { Statgraph, type StatgraphHandle } from '../core/statgraph.js'
import { resolveOptions, type StatgraphOptions } from '../core/statgraph-options.js'
import { withHandle } from '../core/with-handle.js'
import { type ConnectMiddleware, serveConnectDashboard } from './http/connect-dashboard.js'
import { ResponseTracker } from './http/response-tracker.js'
import { StatgraphError } from '../errors/statgraph-error.js'

/** A plain `node:http` request listener, sync or async. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => unknown

/** statgraph's options for `node:http`: `protect` is connect-style `(req, res, next)` middleware. */
export type NodeStatgraphOptions = StatgraphOptions<IncomingMessage, ConnectMiddleware>

/** The wrapped listener, which is also the handle on statgraph (`flush`, `close`, `counts`, …). */
export type StatgraphListener = ((req: IncomingMessage, res: ServerResponse) => void) & StatgraphHandle

/**
 * Wraps a plain `(req, res)` listener: records every request it serves and answers the dashboard
 * at `prefix` (default `/statistics`). A listener that throws or rejects is recorded with the
 * error's text and, if it had not answered yet, answered with 500 (and the error logged) instead of
 * crashing the process.
 *
 * @example
 * import http from 'node:http'
 * import { statgraph } from 'statgraph/node'
 *
 * const listener = statgraph((req, res) => res.end('Hello World!'))
 * http.createServer(listener).listen(3000)
 */
export function statgraph(listener: RequestListener, options?: NodeStatgraphOptions): StatgraphListener {
  if (typeof listener !== 'function') throw new StatgraphError('STATGRAPH_INVALID_APP', 'statgraph: the first argument must be a (req, res) listener')
  const core = new Statgraph(resolveOptions(options))

  function statgraphListener(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/'
    if (core.isDashboardUrl(url)) {
      serveConnectDashboard(core, req, res, (error) => (error === undefined ? notFound(res) : fail(req, res, error, core.logger)), url)
      return
    }
    if (core.shouldRecord(req)) new ResponseTracker(req, res, core.record)
    try {
      const result = listener(req, res) as { then?: unknown } | undefined
      if (typeof result?.then === 'function') (result as Promise<unknown>).then(undefined, (error: unknown) => fail(req, res, error, core.logger))
    } catch (error) {
      fail(req, res, error, core.logger)
    }
  }

  return withHandle(statgraphListener, core)
}

function fail(req: IncomingMessage, res: ServerResponse, error: unknown, logger: Logger): void {
  ResponseTracker.captureError(req, error)
  // The app's own error, which node:http would have left uncaught: reported where statgraph reports.
  logger.error(`statgraph: the request handler threw: ${error instanceof Error ? (error.stack ?? String(error)) : String(error)}`)
  if (res.headersSent) {
    res.destroy()
    return
  }
  res.statusCode = 500
  res.setHeader('content-type', 'text/plain; charset=utf-8')
  res.end('Internal Server Error')
}

function notFound(res: ServerResponse): void {
  res.statusCode = 404
  res.end()
}

export { captureError } from './http/capture-error.js'
