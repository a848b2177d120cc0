// Access-log lines as request facts: nginx's and Apache's "common" and "combined" formats (with an
// optional trailing request time in seconds, as nginx's $request_time), and JSON lines.
import type { RequestFacts } from '../../record/request-record.js'

export const LOG_FORMATS = ['combined', 'common', 'json'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]

// A quoted field: any characters but an unescaped quote (Apache writes \", nginx \x22).
const QUOTED = String.raw`"((?:[^"\\]|\\.)*)"`
const COMMON = String.raw`^(\S+) \S+ \S+ \[([^\]]+)\] ${QUOTED} (\d{3}) (\d+|-)`
const TIME = String.raw`(?: (\d+(?:\.\d+)?))?\s*$`
const PATTERNS: Record<'combined' | 'common', RegExp> = {
  combined: new RegExp(`${COMMON} ${QUOTED} ${QUOTED}${TIME}`),
  common: new RegExp(`${COMMON}${TIME}`),
}
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
// 10/Oct/2000:13:55:36 -0700
const LOG_TIME = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/
const REQUEST_LINE = /^([A-Z]{1,16}) (\S+)(?: HTTP\/[\d.]+)?$/

/** The facts of one log line, or undefined when the line is not one the format describes. */
export function parseAccessLine(line: string, format: LogFormat): RequestFacts | undefined {
  if (format === 'json') return parseJsonLine(line)
  const match = PATTERNS[format].exec(line)
  if (match === null) return undefined
  const [, address, time, request, status, size] = match
  const referrer = format === 'combined' ? match[6] : undefined
  const userAgent = format === 'combined' ? match[7] : undefined
  const seconds = match[format === 'combined' ? 8 : 6]
  const date = logTime(time as string)
  const target = REQUEST_LINE.exec(unescapeLogText(request as string))
  if (date === undefined || target === null) return undefined
  return facts({
    date,
    seconds: seconds === undefined ? undefined : Number(seconds),
    method: target[1] as string,
    url: target[2] as string,
    status: Number(status),
    size: size === '-' ? 0 : Number(size),
    address: address as string,
    referrer: referrer === undefined ? undefined : unescapeLogText(referrer),
    userAgent: userAgent === undefined ? undefined : unescapeLogText(userAgent),
    contentType: undefined,
  })
}

/**
 * A JSON line in nginx's names: `time_iso8601` (or `time`, or `time_local`), `remote_addr`,
 * `request` (or `request_method` + `request_uri`), `status`, `body_bytes_sent`, `http_referer`,
 * `http_user_agent`, `request_time` (seconds), `sent_http_content_type`.
 */
function parseJsonLine(line: string): RequestFacts | undefined {
  let entry: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(line)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined
    entry = parsed as Record<string, unknown>
  } catch {
    return undefined
  }
  const text = (key: string) => (typeof entry[key] === 'string' && entry[key] !== '' && entry[key] !== '-' ? (entry[key] as string) : undefined)
  const numeric = (key: string) => (entry[key] === undefined || entry[key] === '-' || entry[key] === '' ? undefined : Number(entry[key]))
  const iso = text('time_iso8601') ?? text('time')
  const date = iso === undefined ? logTime(text('time_local') ?? '') : Date.parse(iso)
  const request = text('request')
  const target = request === undefined ? undefined : REQUEST_LINE.exec(request)
  const method = target?.[1] ?? text('request_method')
  const url = target?.[2] ?? text('request_uri') ?? text('uri')
  const status = numeric('status')
  if (date === undefined || Number.isNaN(date) || method === undefined || url === undefined || status === undefined) return undefined
  if (!Number.isInteger(status) || status < 100 || status > 999) return undefined
  return facts({
    date,
    seconds: numeric('request_time'),
    method,
    url,
    status,
    size: numeric('body_bytes_sent') ?? numeric('bytes_sent') ?? 0,
    address: text('remote_addr') ?? '',
    referrer: text('http_referer'),
    userAgent: text('http_user_agent'),
    contentType: text('sent_http_content_type') ?? text('content_type'),
  })
}

interface LineFields {
  date: number
  seconds: number | undefined
  method: string
  url: string
  status: number
  size: number
  address: string
  referrer: string | undefined
  userAgent: string | undefined
  contentType: string | undefined
}

function facts(fields: LineFields): RequestFacts | undefined {
  if (!Number.isFinite(fields.size) || (fields.seconds !== undefined && !Number.isFinite(fields.seconds))) return undefined
  return {
    date: fields.date,
    responseTime: fields.seconds === undefined ? null : fields.seconds * 1000,
    method: fields.method,
    url: fields.url,
    route: undefined,
    status: fields.status,
    size: fields.size,
    userAgent: fields.userAgent,
    // "-" is the logs' word for none.
    referrer: fields.referrer === '-' ? undefined : fields.referrer,
    remoteAddress: fields.address,
    forwardedFor: undefined,
    contentType: fields.contentType,
    exception: null,
  }
}

/** `10/Oct/2000:13:55:36 -0700` as ms since the epoch. */
function logTime(text: string): number | undefined {
  const match = LOG_TIME.exec(text)
  if (match === null) return undefined
  const [, day, month, year, hour, minute, second, sign, offsetHours, offsetMinutes] = match
  const monthIndex = MONTHS.indexOf(month as string)
  if (monthIndex === -1) return undefined
  const local = Date.UTC(Number(year), monthIndex, Number(day), Number(hour), Number(minute), Number(second))
  const offset = (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000 * (sign === '-' ? -1 : 1)
  return local - offset
}

const ESCAPE = /\\x([0-9A-Fa-f]{2})|\\(["\\])/g

/** Undoes the logs' escapes: nginx's `\xHH` (bytes, so UTF-8 comes back whole), Apache's `\"` and `\\`. */
function unescapeLogText(text: string): string {
  if (!text.includes('\\')) return text
  const parts: Buffer[] = []
  let last = 0
  for (const match of text.matchAll(ESCAPE)) {
    parts.push(Buffer.from(text.slice(last, match.index)))
    parts.push(match[1] === undefined ? Buffer.from(match[2] as string) : Buffer.from([Number.parseInt(match[1], 16)]))
    last = match.index + match[0].length
  }
  parts.push(Buffer.from(text.slice(last)))
  return Buffer.concat(parts).toString('utf8')
}
