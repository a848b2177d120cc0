import { clientAddress, type TrustProxy } from './client-address.js'
import { cap, FIELD_CAPS } from './field-caps.js'
import type { RequestFacts, RequestRecord } from './request-record.js'
import { parseUserAgent } from './user-agent.js'
import type { AppIdentity } from './app-identity.js'
import { type AddressPolicy, visitorAddress } from './visitor-address.js'

/** How facts become a record; fixed once at setup. */
export interface RecordOptions {
  /** Undefined: the address the adapter gave (the framework's), else the socket's peer. */
  trustProxy: TrustProxy | undefined
  /** What is kept of the client's address; default `store`. */
  address?: AddressPolicy
  /** The instance and version every record of this process carries (see `appIdentity`); default none. */
  identity?: AppIdentity
}

/**
 * The row for one request: parses the user agent, picks the client address, strips the query
 * string, decodes the path and caps every text field. Pure; runs off the request path.
 */
export function toRequestRecord(facts: RequestFacts, options: RecordOptions): RequestRecord {
  const userAgent = cap(facts.userAgent ?? '', FIELD_CAPS.user_agent)
  const agent = parseUserAgent(userAgent)
  return {
    response_time: facts.responseTime,
    date: facts.date,
    method: cap(facts.method, FIELD_CAPS.method),
    size: facts.size,
    status_code: facts.status,
    path: cap(urlPath(facts.url), FIELD_CAPS.path),
    route: facts.route ? cap(facts.route, FIELD_CAPS.path) : null,
    user_agent: userAgent,
    remote_address: cap(
      visitorAddress(clientAddress(facts.remoteAddress, facts.forwardedFor, options.trustProxy ?? false), userAgent, facts.date, options.address ?? 'store'),
      FIELD_CAPS.remote_address,
    ),
    exception: facts.exception === null ? null : cap(facts.exception, FIELD_CAPS.exception),
    referrer: facts.referrer ? cap(facts.referrer, FIELD_CAPS.referrer) : null,
    browser: agent.browser,
    platform: agent.platform,
    mimetype: facts.contentType ? cap(mimetype(facts.contentType), FIELD_CAPS.mimetype) : null,
    bot: agent.bot,
    instance: options.identity?.instance ?? null,
    version: options.identity?.version ?? null,
  }
}

/** The path of a request target, without query or fragment; `%XX` decoded except reserved characters. */
export function urlPath(url: string): string {
  let end = url.length
  const query = url.indexOf('?')
  if (query !== -1) end = query
  const hash = url.indexOf('#')
  if (hash !== -1 && hash < end) end = hash
  const path = url.slice(0, end) || '/'
  if (!path.includes('%')) return path
  try {
    // decodeURI keeps %2F, %3F and the other reserved escapes, so decoding never changes the path's shape.
    return decodeURI(path)
  } catch {
    return path
  }
}

/** `text/html; charset=utf-8` → `text/html`. */
export function mimetype(contentType: string): string {
  const semicolon = contentType.indexOf(';')
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase()
}
