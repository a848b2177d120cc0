import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Statgraph } from '../../core/statgraph.js'
import { sendWebResponse, toWebRequest } from '../../dashboard/web-bridge.js'

/** What connect-style middleware is handed as `next`. */
export type Next = (error?: unknown) => void

/** Connect-style middleware, as Express and plain `node:http` apps write it. */
export type ConnectMiddleware<Req extends IncomingMessage = IncomingMessage, Res extends ServerResponse = ServerResponse> = (
  req: Req,
  res: Res,
  next: Next,
) => unknown

/**
 * Answers a dashboard request on `node:http` objects, behind the connect-style `protect` if there is
 * one; `url` is the request target as the client sent it. An error from `protect` or the dashboard
 * goes to `next(error)`; `next('route')` or `next('router')` from `protect` passes the request on,
 * unserved.
 */
export function serveConnectDashboard<Req extends IncomingMessage, Res extends ServerResponse>(
  core: Statgraph<Req, ConnectMiddleware<Req, Res>>,
  req: Req,
  res: Res,
  next: Next,
  url: string,
): void {
  const respond = () => {
    core
      .dashboard(toWebRequest(req, url))
      .then((response) => sendWebResponse(response, res, core.logger))
      .catch(next)
  }
  if (core.protect === undefined) return respond()
  runMiddleware(core.protect, req, res, (error) => {
    if (error === undefined || error === null) respond()
    else if (error === 'route' || error === 'router') next()
    else next(error)
  })
}

/** Runs connect-style middleware, sync or async, with what it throws or rejects with sent to `done`. */
function runMiddleware<Req extends IncomingMessage, Res extends ServerResponse>(middleware: ConnectMiddleware<Req, Res>, req: Req, res: Res, done: Next): void {
  try {
    const result = middleware(req, res, done) as { then?: unknown } | undefined
    if (typeof result?.then === 'function') (result as Promise<unknown>).then(undefined, done)
  } catch (error) {
    done(error)
  }
}
