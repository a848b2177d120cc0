import type { IncomingMessage, ServerResponse } from 'node:http'

/**
 * A body-less Web `Request` for a `node:http` request, enough for the dashboard (which only answers
 * GET). Only the headers the dashboard reads are copied, so a malformed header elsewhere in the
 * request cannot make the conversion fail.
 */
export function toWebRequest(req: IncomingMessage, url: string): Request {
  const headers = new Headers()
  const etag = req.headers['if-none-match']
  if (typeof etag === 'string') headers.set('if-none-match', etag)
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
