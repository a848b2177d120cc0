import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import type { Logger } from '../log/logger.js'

/**
 * A Web `Request` for a `node:http` request, enough for the dashboard. Only the headers the
 * dashboard reads are copied, so a malformed header elsewhere in the request cannot make the
 * conversion fail. A POST carries its body: `parsed`, or `req.body`, where the framework has read
 * and parsed it already (`express.json()`, Fastify, `koa-bodyparser`), else the stream itself.
 */
export function toWebRequest(req: IncomingMessage, url: string, parsed?: unknown): Request {
  const headers = new Headers()
  for (const name of ['if-none-match', 'authorization', 'content-type', 'sec-fetch-site'] as const) {
    const value = req.headers[name]
    if (typeof value === 'string') headers.set(name, value)
  }
  // fetch's Request refuses CONNECT, TRACE and TRACK; the dashboard answers 405 to any non-GET alike.
  const method = req.method === undefined || /^(CONNECT|TRACE|TRACK)$/.test(req.method) ? 'OPTIONS' : req.method
  const body = method === 'POST' ? requestBody(req, parsed) : undefined
  return new Request(new URL(url, 'http://localhost'), { method, headers, ...(body === undefined ? {} : { body, duplex: 'half' }) })
}

function requestBody(req: IncomingMessage, parsed: unknown): string | Uint8Array | ReadableStream<Uint8Array> | undefined {
  const given = parsed ?? (req as { body?: unknown }).body
  if (given !== undefined) return typeof given === 'string' || given instanceof Uint8Array ? given : JSON.stringify(given)
  return req.readableEnded ? undefined : (Readable.toWeb(req) as ReadableStream<Uint8Array>)
}

/**
 * Sends a Web `Response` through a `node:http` response, its body streamed as the client takes it
 * (an export of any size holds one page in memory). A body that fails midway, or a client that
 * hangs up, ends the response there: its head is gone already.
 */
export async function sendWebResponse(response: Response, res: ServerResponse, logger: Logger): Promise<void> {
  res.statusCode = response.status
  response.headers.forEach((value, name) => {
    res.setHeader(name, value)
  })
  if (response.body === null) {
    res.end()
    return
  }
  await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), res).catch((error: unknown) => {
    if (!isPrematureClose(error)) logger.error(`statgraph: a dashboard answer was cut short: ${String(error)}`)
  })
}

function isPrematureClose(error: unknown): boolean {
  return (error as { code?: unknown }).code === 'ERR_STREAM_PREMATURE_CLOSE'
}
