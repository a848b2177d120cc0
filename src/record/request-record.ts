/**
 * One recorded request: a row of the statistics table. Field names are the table's column names
 * (Flask-Statgraph's), so a row read back from the database has the same shape.
 */
export interface RequestRecord {
  /**
   * Milliseconds from the request's arrival to the end of the response; null when unknown (an
   * imported access log without timings). Response-time figures leave such rows out.
   */
  response_time: number | null
  /** When the request arrived, in milliseconds since the Unix epoch (UTC). */
  date: number
  method: string
  /** Bytes of body actually sent to the client (0 for HEAD, 204 and 304). */
  size: number
  /** Status sent to the client; 500 when the handler threw and nothing else was sent. */
  status_code: number
  /** URL path without the query string, percent-decoded where that is unambiguous. */
  path: string
  /** The route pattern the framework matched, e.g. `/users/:id`; null when none matched or it cannot tell. */
  route: string | null
  user_agent: string
  remote_address: string
  /** The error a handler threw, e.g. `Error: division by zero`. */
  exception: string | null
  referrer: string | null
  /** Lower-case family and `major.minor`, e.g. `firefox 72.0`. */
  browser: string | null
  /** `windows`, `macos`, `linux`, `ios`, `android`, `chromeos`, … */
  platform: string | null
  /** Response content type without parameters, e.g. `text/html`. */
  mimetype: string | null
  /** True for crawlers, link-preview fetchers, monitors, HTTP libraries and headless browsers. */
  bot: boolean
  /** The app instance that served it (host name and process id unless named); null for imported logs and older rows. */
  instance: string | null
  /** The app's version when it served it (a release, a commit); null when unknown. */
  version: string | null
}

/**
 * The status of a request whose client hung up before its answer was sent, as nginx logs it
 * ("client closed request"): counted apart from the answers the app gave.
 */
export const CLIENT_CLOSED_REQUEST = 499

/**
 * What an adapter knows when a response ends: the raw facts, gathered on the request path with no
 * parsing. The recorder turns them into a {@link RequestRecord} off that path.
 */
export interface RequestFacts {
  /** Arrival time, milliseconds since the Unix epoch. */
  date: number
  /** Milliseconds; null when unknown (an access log without timings). */
  responseTime: number | null
  method: string
  /** The request target as received: path and query string. */
  url: string
  /** The route pattern the framework matched, e.g. `/users/:id`. */
  route: string | undefined
  status: number
  size: number
  userAgent: string | undefined
  referrer: string | undefined
  /** The socket's peer address. */
  remoteAddress: string | undefined
  /** The `X-Forwarded-For` header, used only when `trustProxy` is set. */
  forwardedFor: string | undefined
  /** The `Content-Type` response header as sent. */
  contentType: string | undefined
  exception: string | null
  /** The request body's declared length (`Content-Length`), for the metrics; not stored. */
  requestSize?: number | undefined
}
