import { CONSOLE_LOGGER, type Logger } from '../log/logger.js'
import { QueryError } from '../stats/query/query-error.js'
import type { Store } from '../store/store.js'
import { parseRequestsQuery } from '../stats/query/requests-query.js'
import { parseSearchQuery, type SearchAnswer } from '../stats/query/search-query.js'
import { parseStatsQuery } from '../stats/query/stats-query.js'
import type { Stats } from '../stats/answer/stats.js'
import { exportStream } from './export-stream.js'
import { authChallenge, authChecker, type DashboardAuth } from './dashboard-auth.js'
import type { Health } from './health.js'
import { assetVersion, webAssets } from './generated/web-assets.js'
import { PAGE_CSP, renderPage } from './page.js'
import { preloadCalls } from './view.js'
import { type DashboardReads, storeReads } from './dashboard-reads.js'
import { QueryParams } from '../stats/query/query-params.js'
import { parseAnnotation } from '../stats/query/annotation-input.js'
import { releasesAnswer } from './releases-answer.js'
import { instancesAnswer } from './instances-answer.js'
import { type AlertsAnswer, alertsAnswer } from './alerts-answer.js'
import { PROMETHEUS_CONTENT_TYPE } from '../metrics/prometheus-text.js'
import { crossSiteRefusal, jsonBody } from './json-body.js'

/** How long an instance may go without a runtime sample before it counts as stopped: three default samples. */
const DEFAULT_STOPPED_AFTER = 30_000

/** What a dashboard serves and from where. */
export interface DashboardOptions {
  store: Store
  /** Where its answers are read, if not straight from `store` (a reader thread of its SQLite file). */
  reads?: DashboardReads | undefined
  /** Where the dashboard is mounted, e.g. `/statistics` (no trailing slash). */
  prefix: string
  defaultDateSpan: number
  /** `forbidden`: answer every request with 403 and a hint (production without `protect`). */
  access: 'open' | 'forbidden'
  /** Credentials or a token every request must carry, checked after the framework's `protect`. */
  auth?: DashboardAuth | undefined
  /** How recording is doing, served at `{prefix}/api/health`; absent when nothing records (`statgraph serve`). */
  health?: (() => Health) | undefined
  /** Where a failed read is reported. Default: the console. */
  logger?: Logger | undefined
  /** The current instant; tests pin it. */
  now?: () => number
  /** Where `POST {prefix}/api/annotations` writes a note; default the store (the writer thread, in an app). */
  annotate?: ((at: number, text: string) => Promise<void>) | undefined
  /** How long an instance may send no runtime sample before it counts as stopped, ms. Default 30 s. */
  stoppedAfter?: number | undefined
  /** The alert rules (the `alerts` option), listed at `{prefix}/api/alerts` with what fired. */
  alertRules?: AlertsAnswer['rules'] | undefined
  /** The Prometheus exposition, served at `{prefix}/metrics` when given. */
  metrics?: (() => string) | undefined
}

/** A framework-neutral dashboard: a Web `Request` in, a Web `Response` out. */
export type Dashboard = (request: Request) => Promise<Response>

const FORBIDDEN_HINT =
  'statgraph: the statistics dashboard is closed in production. Pass `protect` (middleware that checks the user), `auth` ({ username, password } or { token }) or `public: true` to open it.\n'

// On every dashboard response. Answers other than the page load nothing and are framed nowhere.
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
}

/**
 * The dashboard's page, assets and JSON API under `prefix`:
 * `GET {prefix}` (the page), `GET {prefix}/api/stats`, `GET {prefix}/api/requests` (JSON or CSV), `GET {prefix}/api/search`.
 * A bad parameter answers 400 with `{ "error": … }`; a database failure 503; never a stack trace.
 *
 * @example
 * const dashboard = createDashboard({ store, prefix: '/statistics', defaultDateSpan: 7, access: 'open' })
 * const response = await dashboard(new Request('http://localhost/statistics/api/stats'))
 */
export function createDashboard(options: DashboardOptions): Dashboard {
  const { prefix } = options
  const reads = options.reads ?? storeReads(options.store)
  const now = options.now ?? Date.now
  const logger = options.logger ?? CONSOLE_LOGGER
  // Made per request: it preloads the calls of the view the URL names.
  const page = (search: string) =>
    renderPage({ prefix, defaultDateSpan: options.defaultDateSpan, assetVersion, preload: preloadCalls(search, options.defaultDateSpan, now()) })
  // Request URLs arrive percent-encoded; compare like with like.
  const urlPrefix = new URL(prefix, 'http://localhost').pathname

  async function stats(params: URLSearchParams): Promise<Response> {
    const query = parseStatsQuery(params, { defaultDateSpan: options.defaultDateSpan, now: now() })
    const { range } = query
    const answer: Stats = {
      start: range.start,
      end: range.end,
      from: new Date(range.from).toISOString(),
      to: new Date(range.to).toISOString(),
      bucket: query.bucket,
      ...(await reads.stats(query)),
    }
    return json(200, answer)
  }

  async function releases(params: URLSearchParams): Promise<Response> {
    const reader = new QueryParams(params, [])
    const range = reader.range({ defaultDateSpan: options.defaultDateSpan, now: now() })
    return json(200, await releasesAnswer(reads, range, reader.text('version')))
  }

  async function instances(params: URLSearchParams): Promise<Response> {
    const range = new QueryParams(params, []).range({ defaultDateSpan: options.defaultDateSpan, now: now() })
    return json(200, await instancesAnswer(reads, range, now(), options.stoppedAfter ?? DEFAULT_STOPPED_AFTER))
  }

  async function annotation(request: Request): Promise<Response> {
    const refusal = crossSiteRefusal(request)
    if (refusal !== undefined) return json(403, { error: refusal })
    const body = await jsonBody(request)
    const note = parseAnnotation(body, now())
    await annotate(note.at, note.text)
    return json(201, { at: new Date(note.at).toISOString(), text: note.text })
  }

  async function search(params: URLSearchParams): Promise<Response> {
    const query = parseSearchQuery(params, { defaultDateSpan: options.defaultDateSpan, now: now() })
    return json(200, { field: query.field, q: query.text, rows: await reads.search(query) } satisfies SearchAnswer)
  }

  async function requests(params: URLSearchParams): Promise<Response> {
    const query = parseRequestsQuery(params, { defaultDateSpan: options.defaultDateSpan, now: now() })
    if (query.format !== 'json') {
      const { format } = query
      return new Response(exportStream(reads, query, format), {
        headers: {
          ...SECURITY_HEADERS,
          'content-type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
          'content-disposition': `attachment; filename="requests-${query.range.start}-${query.range.end}.${format}"`,
          'cache-control': 'no-store',
        },
      })
    }
    const found = await reads.requests(query)
    return json(200, { start: query.range.start, end: query.range.end, limit: query.limit, offset: query.offset, ...found })
  }

  const annotate = options.annotate ?? ((at: number, text: string) => options.store.annotate(at, text))
  const auth = options.auth
  const authorized = auth === undefined ? undefined : authChecker(auth)

  return async function dashboard(request: Request): Promise<Response> {
    if (options.access === 'forbidden') {
      return new Response(FORBIDDEN_HINT, { status: 403, headers: { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' } })
    }
    if (auth !== undefined && !(await authorized?.(request.headers.get('authorization')))) {
      return json(401, { error: 'the statistics need credentials' }, { 'www-authenticate': authChallenge(auth) })
    }
    const url = new URL(request.url)
    const path = url.pathname.startsWith(urlPrefix) ? url.pathname.slice(urlPrefix.length) : url.pathname
    const annotations = path === '/api/annotations'
    if (annotations ? request.method !== 'POST' : request.method !== 'GET' && request.method !== 'HEAD') {
      const allow = annotations ? 'POST' : 'GET, HEAD'
      return json(405, { error: `${request.method} is not allowed here; ${prefix}${path} answers ${allow}` }, { allow })
    }
    try {
      if (annotations) return await annotation(request)
      if (path === '' || path === '/') return html(page(url.search))
      if (path === '/api/stats') return await stats(url.searchParams)
      if (path === '/api/requests') return await requests(url.searchParams)
      if (path === '/api/search') return await search(url.searchParams)
      if (path === '/api/releases') return await releases(url.searchParams)
      if (path === '/api/instances') return await instances(url.searchParams)
      if (path === '/metrics' && options.metrics !== undefined) return text(options.metrics())
      if (path === '/api/alerts') return json(200, await alertsAnswer(options.store.alerts(), options.alertRules ?? [], now()))
      if (path === '/api/health') {
        // 503 while writes fail, so that a load balancer's or Kubernetes' probe sees it.
        const health = options.health?.() ?? null
        return json(health?.state === 'failing' ? 503 : 200, health)
      }
      if (path.startsWith('/assets/')) {
        const asset = webAssets[path.slice('/assets/'.length)]
        if (asset !== undefined) return assetResponse(asset, request)
      }
      return json(404, { error: `nothing at ${prefix}${path}; the API is at ${prefix}/api/stats and ${prefix}/api/requests` })
    } catch (error) {
      if (error instanceof QueryError) return json(400, { error: error.message })
      logger.error(`statgraph: the dashboard could not read the statistics: ${String(error)}`)
      return json(503, { error: 'the statistics database could not be read; see the server log' })
    }
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = JSON.stringify(body)
  return new Response(text, {
    status,
    headers: { ...SECURITY_HEADERS, ...length(text), 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  })
}

function text(body: string): Response {
  return new Response(body, {
    headers: { ...SECURITY_HEADERS, ...length(body), 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' },
  })
}

function html(body: string): Response {
  return new Response(body, {
    headers: {
      ...SECURITY_HEADERS,
      ...length(body),
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': PAGE_CSP,
    },
  })
}

function assetResponse(asset: { body: string; type: string }, request: Request): Response {
  const etag = `"${assetVersion}"`
  const headers = { ...SECURITY_HEADERS, 'content-type': asset.type, 'cache-control': 'no-cache', etag }
  if (request.headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers })
  return new Response(asset.body, { headers: { ...headers, ...length(asset.body) } })
}

/** The length header of a body known whole; streamed answers (exports) go without one. */
function length(body: string): { 'content-length': string } {
  return { 'content-length': String(Buffer.byteLength(body)) }
}
