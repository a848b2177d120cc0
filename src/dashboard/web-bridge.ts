import type { IncomingMessage, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import type { Logger } from '../log/logger.js'

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
