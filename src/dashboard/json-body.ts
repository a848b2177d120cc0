import { QueryError } from '../stats/query/query-error.js'

/** The largest request body the dashboard reads: a note is a line. */
const MAX_BODY = 16_384

/**
 * Why a write from a browser is refused, if it is: one another site's page made. A browser says
 * where a request comes from in `Sec-Fetch-Site`; and only a same-origin page (or a program) may
 * send `application/json` without a CORS preflight, which the dashboard never grants — so a
 * form or image on another site cannot write, with or without the user's cookies.
 */
export function crossSiteRefusal(request: Request): string | undefined {
  const site = request.headers.get('sec-fetch-site')
  if (site !== null && site !== 'same-origin' && site !== 'none') return 'writes are taken from the dashboard itself only, not from another site'
  const type = request.headers.get('content-type') ?? ''
  if (!/^application\/json\s*(;|$)/i.test(type)) return 'send the note as JSON, with the header Content-Type: application/json'
  return undefined
}

/** The request's JSON object body, read up to {@link MAX_BODY} bytes; a {@link QueryError} otherwise. */
export async function jsonBody(request: Request): Promise<Record<string, unknown>> {
  const reader = request.body?.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const next = await reader?.read()
    if (next === undefined || next.done) break
    size += next.value.byteLength
    if (size > MAX_BODY) {
      await reader?.cancel()
      throw new QueryError(`the body must be at most ${MAX_BODY} bytes`)
    }
    chunks.push(next.value)
  }
  let body: unknown
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new QueryError('the body must be a JSON object such as {"text": "Deployed 1.4.0"}')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new QueryError('the body must be a JSON object such as {"text": "Deployed 1.4.0"}')
  return body as Record<string, unknown>
}
