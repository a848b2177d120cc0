// The dashboard page: every panel reads the JSON API for the view held in the URL. Everything shown
// that came from requests (paths, user agents, referrers, exceptions) is written as text.
import 'uplot/dist/uPlot.min.css'
import type { Health } from '../src/dashboard/health.js'
import type { BreakdownEntry, ExceptionStats, RouteStats, Stats } from '../src/stats/stats.js'
import type { RequestRow } from '../src/store/store.js'
import { Cards } from './cards.js'
import { type Column, DataTable } from './data-table.js'
import { el } from './dom.js'
import { count, ms, share, when } from './format.js'
import { RequestLog } from './request-log.js'
import { TimeChart } from './time-chart.js'
import { apiParams, type FilterKey, PRESETS, type Preset, previousParams, readView, toSearch, utcToday, type View } from './view.js'

const body = document.body
const prefix = body.dataset.prefix ?? '/statistics'
const defaultSpan = Number(body.dataset.defaultDateSpan ?? '7')
const LIVE_SECONDS = 5

const FILTER_LABELS: Record<FilterKey, string> = {
  route: 'Route',
  path: 'Path',
  status: 'Status',
  method: 'Method',
  browser: 'Browser',
  platform: 'Platform',
  referrer: 'Referrer',
  mimetype: 'Mimetype',
  exception: 'Exception',
}

async function api<T>(route: string, params: URLSearchParams): Promise<T> {
  const response = await fetch(`${prefix}/api/${route}?${params}`, { headers: { accept: 'application/json' } })
  const answer = (await response.json().catch(() => ({}))) as T & { error?: string }
  if (!response.ok) throw new Error(answer.error ?? `the API answered ${response.status}`)
  return answer
}

/** How recording is doing: the health answer comes with 503 while writes fail, for probes, and is read all the same. */
async function readHealth(): Promise<Health | null> {
  const response = await fetch(`${prefix}/api/health`, { headers: { accept: 'application/json' } }).catch(() => undefined)
  if (response === undefined || (response.status !== 200 && response.status !== 503)) return null
  return (await response.json().catch(() => null)) as Health | null
}

function go(view: View, replace = false): void {
  history[replace ? 'replaceState' : 'pushState'](null, '', toSearch(view))
  void dashboard.show(readView(location.search, defaultSpan))
}

/** A link that narrows the view by one more filter; a plain link too, for new tabs. */
function filterLink(view: View, key: FilterKey, value: string | number | null, label?: string): Node {
  if (value === null) return el('span', { className: 'muted' }, label ?? '(none)')
  const target: View = { ...view, filters: { ...view.filters, [key]: String(value) } }
  const link = el('a', { href: toSearch(target), title: `Show only ${FILTER_LABELS[key].toLowerCase()} ${value}` }, label ?? String(value))
  link.addEventListener('click', (event) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey) return
    event.preventDefault()
    go(target)
  })
  return link
}

function breakdownTable(id: string, caption: string, key: FilterKey, view: View, total: () => number): DataTable<BreakdownEntry<string | number | null>> {
  return new DataTable({
    id,
    caption,
    columns: [
      { label: caption.replace(/s$/, ''), value: (row) => row.key, render: (row) => filterLink(view, key, row.key), wide: true },
      { label: 'Hits', value: (row) => row.count, render: (row) => count(row.count), numeric: true },
      { label: 'Share', value: (row) => row.count, render: (row) => share(row.count, total()), numeric: true },
    ],
    searchText: (row) => String(row.key ?? ''),
  })
}

function routesTable(view: View): DataTable<RouteStats> {
  const byRoute = view.group === 'route'
  const columns: Column<RouteStats>[] = [
    {
      label: byRoute ? 'Route pattern' : 'Path',
      value: (row) => row.key,
      render: (row) => filterLink(view, byRoute ? 'route' : 'path', row.key, row.key ?? '(no route)'),
      wide: true,
    },
    { label: 'Hits', value: (row) => row.count, render: (row) => count(row.count), numeric: true },
    { label: 'Unique', value: (row) => row.uniqueHits, render: (row) => (row.uniqueHits === null ? '–' : count(row.uniqueHits)), numeric: true },
    { label: 'Errors', value: (row) => row.errors, render: (row) => count(row.errors), numeric: true },
    { label: 'Avg', value: (row) => row.avgResponseTime, render: (row) => ms(row.avgResponseTime), numeric: true },
    { label: 'p95', value: (row) => row.p95ResponseTime, render: (row) => ms(row.p95ResponseTime), numeric: true },
    { label: 'Last requested (UTC)', value: (row) => row.lastRequested, render: (row) => when(row.lastRequested) },
  ]
  return new DataTable({ id: 'routes', caption: 'Routes', columns, searchText: (row) => row.key ?? '' })
}

function exceptionsTable(view: View): DataTable<ExceptionStats> {
  return new DataTable({
    id: 'exceptions',
    caption: 'Exceptions',
    columns: [
      { label: 'Exception', value: (row) => row.key, render: (row) => filterLink(view, 'exception', row.key), wide: true },
      { label: 'Count', value: (row) => row.count, render: (row) => count(row.count), numeric: true },
      { label: 'Last seen (UTC)', value: (row) => row.lastSeen, render: (row) => when(row.lastSeen) },
      { label: 'Where', value: (row) => row.where, wide: true },
    ],
    searchText: (row) => `${row.key} ${row.where ?? ''}`,
  })
}

/** The page for one view; show() builds it, refresh() updates it in place (live mode). */
class Dashboard {
  #view: View = readView(location.search, defaultSpan)
  #generation = 0
  #timer: ReturnType<typeof setInterval> | undefined

  async show(view: View): Promise<void> {
    this.#view = view
    clearInterval(this.#timer)
    const main = el('main', { ariaBusy: 'true' })
    const alert = el('div', { role: 'alert' })
    const warning = el('div', { className: 'warning', role: 'status', hidden: true })
    const empty = el('div', { className: 'empty', hidden: true })
    const cards = new Cards()
    const traffic = new TimeChart('Traffic', '', [
      { label: 'Hits', colour: '#2563eb', value: (p) => p.hits },
      { label: 'Unique', colour: '#16a34a', value: (p) => p.uniqueHits },
      { label: 'Errors', colour: '#dc2626', value: (p) => p.errors },
    ])
    const latency = new TimeChart('Response time', ' ms', [
      { label: 'p50', colour: '#0891b2', value: (p) => p.p50ResponseTime },
      { label: 'p95', colour: '#d97706', value: (p) => p.p95ResponseTime },
      { label: 'p99', colour: '#be123c', value: (p) => p.p99ResponseTime },
    ])
    let hits = 0
    const total = () => hits
    const routes = routesTable(view)
    const tables = {
      statusCodes: breakdownTable('status-codes', 'Status codes', 'status', view, total),
      methods: breakdownTable('methods', 'Methods', 'method', view, total),
      browsers: breakdownTable('browsers', 'Browsers', 'browser', view, total),
      platforms: breakdownTable('platforms', 'Platforms', 'platform', view, total),
      referrers: breakdownTable('referrers', 'Referrers', 'referrer', view, total),
      mimetypes: breakdownTable('mimetypes', 'Mimetypes', 'mimetype', view, total),
    }
    const exceptions = exceptionsTable(view)
    const log = new RequestLog((params) => api<{ total: number; rows: RequestRow[] }>('requests', params))
    const panels = el(
      'div',
      { className: 'panels' },
      el('div', { className: 'charts' }, traffic.element, latency.element),
      el('div', { className: 'routes' }, groupToggle(view), routes.element),
      el('div', { className: 'grid' }, ...Object.values(tables).map((table) => table.element)),
      exceptions.element,
      log.element,
    )
    main.append(alert, warning, chips(view), cards.element, empty, panels)
    body.replaceChildren(header(view), main)
    window.onresize = () => {
      traffic.resize()
      latency.resize()
    }

    const mine = ++this.#generation
    const refresh = async () => {
      const params = apiParams(view, Date.now())
      try {
        const stats = await api<Stats>('stats', params)
        const previous = await api<Stats>('stats', previousParams(view, stats.from, stats.to)).catch(() => undefined)
        const health = await readHealth()
        if (mine !== this.#generation) return
        showHealth(warning, health)
        hits = stats.hits
        cards.update(stats, previous)
        empty.hidden = stats.hits !== 0
        panels.hidden = stats.hits === 0
        empty.replaceChildren(...emptyState(view, stats))
        if (stats.hits !== 0) {
          traffic.update(stats)
          latency.update(stats)
          const group = view.group === 'route' ? 'routes' : 'paths'
          routes.update(stats[group], left(stats.other[group], group === 'routes' ? 'other routes' : 'other paths'))
          for (const [name, table] of Object.entries(tables)) {
            const key = name as keyof typeof tables
            table.update(stats[key], left(stats.other[key], 'other values'))
          }
          exceptions.update(stats.exceptions, left(stats.other.exceptions, 'other exceptions'))
          await log.update(params)
        }
        alert.replaceChildren()
      } catch (error) {
        if (mine !== this.#generation) return
        const retry = el('button', { type: 'button' }, 'Try again')
        retry.addEventListener('click', () => void refresh())
        alert.replaceChildren(
          el('p', { className: 'error' }, `The statistics could not be loaded: ${error instanceof Error ? error.message : String(error)}`),
          retry,
        )
      } finally {
        if (mine === this.#generation) main.ariaBusy = 'false'
      }
    }
    await refresh()
    if (view.live && mine === this.#generation) this.#timer = setInterval(() => void refresh(), LIVE_SECONDS * 1000)
  }

  get view(): View {
    return this.#view
  }
}

function header(view: View): HTMLElement {
  const presets = el('div', { className: 'presets', role: 'group', ariaLabel: 'Range' })
  for (const [preset, label] of Object.entries(PRESETS) as [Preset, string][]) {
    const pressed = 'preset' in view.range && view.range.preset === preset
    const button = el('button', { type: 'button', ariaPressed: String(pressed) }, label)
    button.addEventListener('click', () => go({ ...view, range: { preset } }))
    presets.append(button)
  }
  const custom = 'start' in view.range ? view.range : { start: utcToday(1 - defaultSpan), end: utcToday() }
  const start = el('input', { type: 'date', value: custom.start, id: 'start', required: true })
  const end = el('input', { type: 'date', value: custom.end, id: 'end', required: true })
  const form = el(
    'form',
    { className: 'range', ariaLabel: 'Custom range (UTC days)' },
    el('label', { htmlFor: 'start' }, 'From'),
    start,
    el('label', { htmlFor: 'end' }, 'to'),
    end,
    el('button', { type: 'submit' }, 'Apply'),
    el('span', { className: 'zone' }, 'UTC'),
  )
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    go({ ...view, range: { start: start.value, end: end.value } })
  })
  const live = el('input', { type: 'checkbox', id: 'live', checked: view.live })
  live.addEventListener('change', () => go({ ...view, live: live.checked }, true))
  const csv = el('a', { className: 'button', href: '#', download: '' }, 'Export CSV')
  // The link is made when followed: a preset's range ends at that moment.
  csv.addEventListener('click', () => {
    const params = apiParams(view, Date.now())
    params.set('format', 'csv')
    csv.href = `${prefix}/api/requests?${params}`
  })
  return el(
    'header',
    {},
    el('h1', {}, 'Statistics'),
    presets,
    form,
    el('label', { className: 'live', htmlFor: 'live' }, live, ` Live (every ${LIVE_SECONDS} s)`),
    csv,
  )
}

function groupToggle(view: View): HTMLElement {
  const toggle = el('div', { className: 'group', role: 'group', ariaLabel: 'Group routes by' })
  for (const [group, label] of [['path', 'Path'], ['route', 'Route pattern']] as const) {
    const button = el('button', { type: 'button', ariaPressed: String(view.group === group) }, label)
    button.addEventListener('click', () => go({ ...view, group }))
    toggle.append(button)
  }
  return toggle
}

function chips(view: View): HTMLElement {
  const list = el('ul', { className: 'chips', ariaLabel: 'Filters' })
  for (const [key, value] of Object.entries(view.filters) as [FilterKey, string][]) {
    const rest = { ...view.filters }
    delete rest[key]
    const remove = el('button', { type: 'button', ariaLabel: `Remove filter ${FILTER_LABELS[key]} ${value}` }, '×')
    remove.addEventListener('click', () => go({ ...view, filters: rest }))
    list.append(el('li', { className: 'chip' }, el('span', { className: 'chip-key' }, `${FILTER_LABELS[key]}:`), ` ${value} `, remove))
  }
  list.hidden = list.childElementCount === 0
  return list
}

/** What a list leaves out, in words; empty when it leaves out nothing. */
function left(requests: number, what: string): string {
  return requests === 0 ? '' : `+ ${count(requests)} requests in ${what}, not listed`
}

/** A warning when recording fails now, or failed enough that requests were dropped. */
function showHealth(warning: HTMLElement, health: Health | null): void {
  const lines: string[] = []
  if (health?.state === 'failing') lines.push(`statgraph cannot write to its database right now; it keeps retrying, holding ${count(health.buffered)} requests in memory.`)
  if (health !== null && health.dropped > 0) lines.push(`${count(health.dropped)} requests were not recorded since the app started: the database failed while the memory buffer was full. The numbers below miss them.`)
  if (health?.lastError && lines.length > 0) lines.push(`Last error: ${health.lastError}`)
  warning.hidden = lines.length === 0
  warning.replaceChildren(...lines.map((line) => el('p', {}, line)))
}

function emptyState(view: View, stats: Stats): (Node | string)[] {
  const range = `${when(stats.from)} to ${when(stats.to)} (UTC)`
  if (Object.keys(view.filters).length > 0) {
    const clear = el('button', { type: 'button' }, 'Clear the filters')
    clear.addEventListener('click', () => go({ ...view, filters: {} }))
    return [el('p', {}, `No request matches these filters from ${range}.`), clear]
  }
  return [
    el('p', {}, `No requests recorded from ${range}.`),
    el('p', {}, 'statgraph records every request the app serves; new ones appear here within a few seconds. Pick a longer range to see older traffic.'),
  ]
}

const dashboard = new Dashboard()
window.addEventListener('popstate', () => void dashboard.show(readView(location.search, defaultSpan)))
void dashboard.show(dashboard.view)
