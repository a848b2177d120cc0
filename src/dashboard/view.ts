// The page's whole state lives in the URL, so a link reopens the same view and back/forward work.
// Shared by the page, which reads its view from it, and the server, which preloads the view's calls.
import type { StatsFilters } from '../stats/query/query-params.js'

/** The quick ranges: the last hour or day (instants), or the last N UTC days including today. */
export const PRESETS = { '1h': 'Last hour', '24h': 'Last 24 h', '7d': '7 days', '30d': '30 days', '90d': '90 days' } as const
export type Preset = keyof typeof PRESETS

/** The filters a click can set; the same names as the API's parameters. */
const FILTER_KEYS = ['route', 'path', 'status', 'method', 'browser', 'platform', 'referrer', 'mimetype', 'exception', 'instance', 'version'] as const
export type FilterKey = (typeof FILTER_KEYS)[number] & keyof StatsFilters
type Filters = Partial<Record<FilterKey, string>>

/** Which requests count: all, people only, or bots only (the API's `bot=`). */
export const AUDIENCES = { all: 'All traffic', humans: 'People', bots: 'Bots' } as const
export type Audience = keyof typeof AUDIENCES

export interface View {
  range: { preset: Preset } | { start: string; end: string }
  filters: Filters
  audience: Audience
  /** The routes table groups by literal path or by the route pattern the framework matched. */
  group: 'path' | 'route'
  /** Refresh every few seconds. */
  live: boolean
}

const HOUR = 3_600_000

function isPreset(value: string | null): value is Preset {
  return value !== null && Object.hasOwn(PRESETS, value)
}

function utcToday(offsetDays = 0): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10)
}

export function readView(search: string, defaultSpan: number): View {
  const params = new URLSearchParams(search)
  const preset = params.get('range')
  const start = params.get('start')
  const end = params.get('end')
  const fallback = `${defaultSpan}d`
  const range: View['range'] = isPreset(preset)
    ? { preset }
    : start !== null && end !== null
      ? { start, end }
      : isPreset(fallback)
        ? { preset: fallback }
        : { start: utcToday(1 - defaultSpan), end: utcToday() }
  const filters: Filters = {}
  for (const key of FILTER_KEYS) {
    const value = params.get(key)
    if (value !== null && value !== '') filters[key] = value
  }
  const audience = params.get('audience')
  return {
    range,
    filters,
    audience: audience === 'humans' || audience === 'bots' ? audience : 'all',
    group: params.get('group') === 'route' ? 'route' : 'path',
    live: params.get('live') === '1',
  }
}

export function toSearch(view: View): string {
  const params = new URLSearchParams()
  if ('preset' in view.range) params.set('range', view.range.preset)
  else {
    params.set('start', view.range.start)
    params.set('end', view.range.end)
  }
  for (const key of FILTER_KEYS) {
    const value = view.filters[key]
    if (value !== undefined) params.set(key, value)
  }
  if (view.audience !== 'all') params.set('audience', view.audience)
  if (view.group === 'route') params.set('group', 'route')
  if (view.live) params.set('live', '1')
  return `?${params}`
}

/** The API parameters for the view's filters and audience. */
function filterParams(view: View): URLSearchParams {
  const params = new URLSearchParams()
  for (const key of FILTER_KEYS) {
    const value = view.filters[key]
    if (value !== undefined) params.set(key, value)
  }
  if (view.audience !== 'all') params.set('bot', String(view.audience === 'bots'))
  return params
}

/** The UTC days the view's range spans at instant `now`, for the From / To inputs. */
export function rangeDays(view: View, now: number): { start: string; end: string } {
  if ('start' in view.range) return view.range
  const params = apiParams(view, now)
  const day = (key: string) => (params.get(key) ?? '').slice(0, 10)
  return params.has('start') ? { start: day('start'), end: day('end') } : { start: day('from'), end: day('to') }
}

/** The API parameters for the view's range and filters, at instant `now`. */
export function apiParams(view: View, now: number): URLSearchParams {
  const params = filterParams(view)
  const { range } = view
  if ('start' in range) {
    params.set('start', range.start)
    params.set('end', range.end)
  } else if (range.preset === '1h' || range.preset === '24h') {
    params.set('from', new Date(now - (range.preset === '1h' ? 1 : 24) * HOUR).toISOString())
    params.set('to', new Date(now).toISOString())
  } else {
    const days = Number.parseInt(range.preset, 10)
    params.set('start', new Date(now - (days - 1) * 86_400_000).toISOString().slice(0, 10))
    params.set('end', new Date(now).toISOString().slice(0, 10))
  }
  return params
}

/**
 * The instants [from, to) that `params` (from {@link apiParams}) span, as the API writes them;
 * undefined for days that are no dates (a hand-edited URL), which the API itself refuses, saying why.
 */
function spanOf(params: URLSearchParams): { from: string; to: string } | undefined {
  const from = params.get('from')
  if (from !== null) return { from, to: params.get('to') ?? new Date().toISOString() }
  const start = Date.parse(`${params.get('start')}T00:00:00Z`)
  const end = Date.parse(`${params.get('end')}T00:00:00Z`) + 86_400_000
  return Number.isNaN(start) || Number.isNaN(end) ? undefined : { from: new Date(start).toISOString(), to: new Date(end).toISOString() }
}

/** The same filters over the period of the same length just before [from, to). */
function previousParams(view: View, from: string, to: string): URLSearchParams {
  const params = filterParams(view)
  const start = Date.parse(from)
  params.set('from', new Date(start - (Date.parse(to) - start)).toISOString())
  params.set('to', from)
  return params
}

/** Rows in a page of the request log. */
export const LOG_PAGE = 50

/** The API parameters of the log's page at `offset` for the view's `params`. */
export function logParams(params: URLSearchParams, offset = 0): URLSearchParams {
  const page = new URLSearchParams(params)
  page.set('limit', String(LOG_PAGE))
  page.set('offset', String(Math.max(0, offset)))
  return page
}

/**
 * The API calls that show a view at instant `now`, as `route?query` paths under `{prefix}/api/`, and
 * the view's own parameters (range and filters) they start from.
 */
export function viewCalls(
  view: View,
  now: number,
  logOffset = 0,
): { params: URLSearchParams; stats: string; previous: string | undefined; log: string; releases: string; instances: string; alerts: string } {
  const params = apiParams(view, now)
  const span = spanOf(params)
  // Releases and instances over the range alone; a version picked is the release compared.
  const range = apiParams({ ...view, filters: {}, audience: 'all' }, now)
  const releases = new URLSearchParams(range)
  if (view.filters.version !== undefined) releases.set('version', view.filters.version)
  return {
    params,
    stats: `stats?${params}`,
    previous: span === undefined ? undefined : `stats?${previousParams(view, span.from, span.to)}`,
    log: `requests?${logParams(params, logOffset)}`,
    releases: `releases?${releases}`,
    instances: `instances?${range}`,
    alerts: 'alerts',
  }
}

/**
 * The calls the page will make for the view in `search`, for the server to preload with the page:
 * only for ranges of whole days, whose calls the page's clock gives alike (a preset ending now
 * would name another instant by the time the page asks).
 */
export function preloadCalls(search: string, defaultSpan: number, now: number): string[] {
  const view = readView(search, defaultSpan)
  if ('preset' in view.range && (view.range.preset === '1h' || view.range.preset === '24h')) return []
  const calls = viewCalls(view, now)
  return [calls.stats, ...(calls.previous === undefined ? [] : [calls.previous]), 'health', calls.log, calls.releases, calls.instances, calls.alerts]
}
