// The dashboard page. Everything shown comes from the JSON API and is written with textContent:
// paths, user agents and referrers are strangers' input and never become HTML.
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

interface TimeseriesPoint {
  t: string
  hits: number
  uniqueHits: number
}
interface PathStats {
  key: string | null
  count: number
  uniqueHits: number
  errors: number
  avgResponseTime: number | null
  p95ResponseTime: number | null
  lastRequested: string
}
interface Stats {
  start: string
  end: string
  hits: number
  uniqueHits: number
  errors: number
  responseTime: { p95: number | null }
  timeseries: TimeseriesPoint[]
  paths: PathStats[]
  routes: PathStats[]
}
interface RequestRow {
  date: string
  method: string
  path: string
  status_code: number
  size: number
  response_time: number
  mimetype: string | null
}
/** The page's whole state, kept in the URL: a link reopens the same view. */
interface View {
  start: string
  end: string
  /** Group the routes table by literal path or by the route pattern the framework matched. */
  group: 'path' | 'route'
  /** The drilled-into path or route pattern, if any. */
  path: string | null
  route: string | null
}

const body = document.body
const prefix = body.dataset.prefix ?? '/statistics'
const defaultSpan = Number(body.dataset.defaultDateSpan ?? '7')
let chart: uPlot | undefined
let generation = 0

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props)
  node.append(...children)
  return node
}

function today(offsetDays = 0): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10)
}

function readView(): View {
  const params = new URLSearchParams(location.search)
  return {
    start: params.get('start') ?? today(1 - defaultSpan),
    end: params.get('end') ?? today(),
    group: params.get('group') === 'route' ? 'route' : 'path',
    path: params.get('path'),
    route: params.get('route'),
  }
}

function search(view: View): string {
  const params = new URLSearchParams({ start: view.start, end: view.end })
  if (view.group === 'route') params.set('group', 'route')
  if (view.path !== null) params.set('path', view.path)
  if (view.route !== null) params.set('route', view.route)
  return `?${params}`
}

function go(view: View): void {
  history.pushState(null, '', search(view))
  void render()
}

async function api<T>(route: string, params: Record<string, string | null>): Promise<T> {
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) if (value !== null) query.set(key, value)
  const response = await fetch(`${prefix}/api/${route}?${query}`, { headers: { accept: 'application/json' } })
  const answer = (await response.json()) as T & { error?: string }
  if (!response.ok) throw new Error(answer.error ?? `the API answered ${response.status}`)
  return answer
}

const number = new Intl.NumberFormat()
function ms(value: number | null): string {
  return value === null ? '–' : `${value < 10 ? value.toFixed(2) : Math.round(value)} ms`
}
/** Instants are shown in UTC, like the days of the range picker: `2026-01-15 13:04:05`. */
function when(iso: string): string {
  return iso.slice(0, 19).replace('T', ' ')
}
const DAY = 86_400

function card(label: string, value: string, name: string): HTMLElement {
  return el('div', { className: 'card' }, el('div', { className: 'card-label' }, label), el('div', { className: 'card-value', title: name }, value))
}

function header(view: View): HTMLElement {
  const start = el('input', { type: 'date', value: view.start, id: 'start', required: true })
  const end = el('input', { type: 'date', value: view.end, id: 'end', required: true })
  const form = el(
    'form',
    { className: 'range', ariaLabel: 'Date range (UTC days)' },
    el('label', { htmlFor: 'start' }, 'From'),
    start,
    el('label', { htmlFor: 'end' }, 'to'),
    end,
    el('button', { type: 'submit' }, 'Apply'),
    el('span', { className: 'zone' }, 'UTC'),
  )
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    go({ ...view, start: start.value, end: end.value })
  })
  const presets = el('div', { className: 'presets' })
  for (const days of [1, 7, 30, 90]) {
    const button = el('button', { type: 'button' }, days === 1 ? 'Today' : `${days} days`)
    button.addEventListener('click', () => go({ ...view, start: today(1 - days), end: today() }))
    presets.append(button)
  }
  return el('header', {}, el('h1', {}, 'Statistics'), form, presets)
}

function drawChart(container: HTMLElement, series: TimeseriesPoint[]): void {
  chart?.destroy()
  // Canvas text cannot follow CSS colours by itself: hand it the theme's colours.
  const style = getComputedStyle(document.body)
  const text = style.color
  const grid = { stroke: style.getPropertyValue('--border').trim() || '#e2e8f0' }
  const data: uPlot.AlignedData = [
    series.map((point) => Date.parse(point.t) / 1000),
    series.map((point) => point.hits),
    series.map((point) => point.uniqueHits),
  ]
  chart = new uPlot(
    {
      width: Math.max(300, container.clientWidth),
      height: 260,
      padding: [16, 28, 0, 8],
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      series: [
        {},
        { label: 'Hits', stroke: '#2563eb', width: 2, fill: 'rgba(37,99,235,0.08)' },
        { label: 'Unique hits', stroke: '#16a34a', width: 2 },
      ],
      axes: [
        {
          stroke: text,
          grid,
          ticks: grid,
          // Whole UTC days only: the points are daily totals.
          incrs: [DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 365 * DAY],
          values: (_chart, ticks) => ticks.map((tick) => new Date(tick * 1000).toISOString().slice(5, 10)),
        },
        { stroke: text, grid, ticks: grid },
      ],
    },
    data,
    container,
  )
}

function routesTable(view: View, stats: Stats): HTMLElement {
  const byRoute = view.group === 'route'
  const rows = (byRoute ? stats.routes : stats.paths).map((entry) => {
    // Requests no route matched (404s) group under "(no route)"; they have no drill-down.
    const target: View = { ...view, path: byRoute ? null : entry.key, route: byRoute ? entry.key : null }
    const label = entry.key ?? '(no route)'
    const cell = entry.key === null ? el('span', { className: 'muted' }, label) : el('a', { href: search(target) }, label)
    cell.addEventListener('click', (event) => {
      if (entry.key === null) return
      event.preventDefault()
      go(target)
    })
    return el(
      'tr',
      {},
      el('td', { className: 'path' }, cell),
      el('td', { className: 'num' }, number.format(entry.count)),
      el('td', { className: 'num' }, number.format(entry.uniqueHits)),
      el('td', {}, when(entry.lastRequested)),
      el('td', { className: 'num' }, ms(entry.avgResponseTime)),
      el('td', { className: 'num' }, ms(entry.p95ResponseTime)),
    )
  })
  const toggle = el('div', { className: 'group', role: 'group', ariaLabel: 'Group routes by' })
  for (const [group, label] of [['path', 'Path'], ['route', 'Route pattern']] as const) {
    const button = el('button', { type: 'button', ariaPressed: String(view.group === group) }, label)
    button.addEventListener('click', () => go({ ...view, group }))
    toggle.append(button)
  }
  const panel = table('Routes', [byRoute ? 'Route pattern' : 'Path', 'Hits', 'Unique hits', 'Last requested (UTC)', 'Avg response', 'p95 response'], rows, 'routes')
  panel.prepend(toggle)
  return panel
}

function requestsTable(rows: RequestRow[]): HTMLElement {
  return table(
    'Latest requests',
    ['Date (UTC)', 'Path', 'Method', 'Status', 'Mimetype', 'Size', 'Response time'],
    rows.map((row) =>
      el(
        'tr',
        {},
        el('td', {}, when(row.date)),
        el('td', { className: 'path' }, row.path),
        el('td', {}, row.method),
        el('td', { className: 'num' }, String(row.status_code)),
        el('td', {}, row.mimetype ?? '–'),
        el('td', { className: 'num' }, `${number.format(row.size)} B`),
        el('td', { className: 'num' }, ms(row.response_time)),
      ),
    ),
    'requests',
  )
}

function table(caption: string, columns: string[], rows: HTMLElement[], id: string): HTMLElement {
  return el(
    'section',
    { className: 'panel' },
    el(
      'table',
      { id },
      el('caption', {}, caption),
      el('thead', {}, el('tr', {}, ...columns.map((column) => el('th', { scope: 'col' }, column)))),
      el('tbody', {}, ...rows),
    ),
  )
}

async function render(): Promise<void> {
  const mine = ++generation
  const view = readView()
  const main = el('main', { ariaBusy: 'true' })
  body.replaceChildren(header(view), main)
  try {
    const filter = { start: view.start, end: view.end, path: view.path, route: view.route }
    const drilled = view.path ?? view.route
    const stats = await api<Stats>('stats', filter)
    const latest = drilled === null ? null : await api<{ rows: RequestRow[] }>('requests', { ...filter, limit: '50' })
    if (mine !== generation) return
    main.ariaBusy = 'false'
    if (drilled !== null) {
      const all: View = { ...view, path: null, route: null }
      const back = el('a', { href: search(all) }, '← All routes')
      back.addEventListener('click', (event) => {
        event.preventDefault()
        go(all)
      })
      main.append(el('nav', { className: 'crumbs' }, back), el('h2', { className: 'path-title' }, drilled))
    }
    main.append(
      el(
        'section',
        { className: 'cards', ariaLabel: 'Totals' },
        card('Hits', number.format(stats.hits), 'hits'),
        card('Unique hits', number.format(stats.uniqueHits), 'uniqueHits'),
        card('Errors (5xx)', number.format(stats.errors), 'errors'),
        card('p95 response', ms(stats.responseTime.p95), 'p95'),
      ),
    )
    if (stats.hits === 0) {
      main.append(el('p', { className: 'empty' }, `No requests recorded from ${stats.start} to ${stats.end}. Requests the app serves appear here within a few seconds.`))
      return
    }
    const chartBox = el('section', { className: 'panel chart', ariaLabel: 'Hits and unique hits per day (UTC)' })
    main.append(chartBox)
    drawChart(chartBox, stats.timeseries)
    main.append(latest === null ? routesTable(view, stats) : requestsTable(latest.rows))
  } catch (error) {
    if (mine !== generation) return
    main.ariaBusy = 'false'
    main.append(el('p', { className: 'error', role: 'alert' }, `The statistics could not be loaded: ${error instanceof Error ? error.message : String(error)}`))
  }
}

window.addEventListener('popstate', () => void render())
void render()
