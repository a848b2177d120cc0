import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * A body-less Web `Request` for a `node:http` request, enough for the dashboard (which only answers
 * GET). Only the headers the dashboard reads are copied, so a malformed header elsewhere in the
 * request cannot make the conversion fail.
 */
export function toWebRequest(req: IncomingMessage, url: string): Request {
  const headers = new Headers()
  for (const name of ['if-none-match', 'authorization'] as const) {
    const value = req.headers[name]
    if (typeof value === 'string') headers.set(name, value)
  }
  // fetch's Request refuses CONNECT, TRACE and TRACK; the dashboard answers 405 to any non-GET alike.
  const method = req.method === undefined || /^(CONNECT|TRACE|TRACK)$/.test(req.method) ? 'OPTIONS' : req.method
  return new Request(new URL(url, 'http://localhost'), { method, headers })
}

/** Sends a Web `Response` through a `node:http` response. */
export async function sendWebResponse(response: Response, res: ServerResponse): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer())
  res.statusCode = response.status
  response.headers.forEach((value, name) => res.setHeader(name, value))
  res.setHeader('content-length', body.byteLength)
  res.end(body)
}
