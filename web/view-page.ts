// One view's panels: built once its data has come (so a view change never shows an empty panel),
// then filled again in place by each live refresh.
import type { Health } from '../src/dashboard/health.js'
import type { BreakdownEntry, BreakdownName, Stats } from '../src/stats/answer/stats.js'
import type { RequestPage } from '../src/stats/answer/request-page.js'
import { Cards } from './cards.js'
import { ChartGroup } from './chart-group.js'
import type { DataTable } from './data-table.js'
import { el } from './dom.js'
import { count, ms, when } from './format.js'
import type { RequestLog } from './request-log.js'
import { breakdownTable, exceptionsTable, FILTER_LABELS, routesTable, type TableContext } from './tables.js'
import { TimeChart } from './time-chart.js'
import { markersOf } from './chart-markers.js'
import { InstancesPanel } from './instances-panel.js'
import { ReleasesPanel } from './releases-panel.js'
import { AlertsPanel } from './alerts-panel.js'
import type { InstancesAnswer } from '../src/dashboard/instances-answer.js'
import type { ReleasesAnswer } from '../src/dashboard/releases-answer.js'
import type { AlertsAnswer } from '../src/dashboard/alerts-answer.js'
import type { FilterKey } from '../src/dashboard/view.js'

/** Everything one view shows, read in one go. */
export interface Loaded {
  params: URLSearchParams
  stats: Stats
  previous: Stats | undefined
  health: Health | null
  log: RequestPage
  /**
   * Releases (notes, the comparison), instances and alerts, asked with the rest but shown when they come:
   * a release comparison reads raw rows, and must not hold the view up. Undefined: not readable.
   */
  extras: Promise<[ReleasesAnswer | undefined, InstancesAnswer | undefined, AlertsAnswer | undefined]>
}

/** The lists shown as plain breakdown tables (paths, routes and exceptions have their own). */
type PlainBreakdown = Exclude<BreakdownName, 'paths' | 'routes' | 'exceptions' | 'instances' | 'versions'>

export class ViewPage {
  readonly main = el('main', { ariaBusy: 'true' })
  readonly alert = el('div', { role: 'alert' })
  readonly #context: TableContext
  readonly #warning = el('div', { className: 'warning', role: 'status', hidden: true })
  readonly #empty = el('div', { className: 'empty', hidden: true })
  readonly #cards = new Cards()
  readonly #charts = new ChartGroup()
  readonly #traffic: TimeChart
  readonly #latency: TimeChart
  readonly #routes: DataTable<Stats['routes'][number]>
  readonly #tables: Record<PlainBreakdown, DataTable<BreakdownEntry<string | number | null>>>
  readonly #exceptions: DataTable<Stats['exceptions'][number]>
  readonly #log: RequestLog
  readonly #releases: ReleasesPanel
  readonly #instances: InstancesPanel
  readonly #alerts = new AlertsPanel()
  readonly #panels: HTMLElement
  /** Says when the answer counts more than the range: whole hours at an edge whose raw rows were pruned. */
  readonly #widened = el('p', { className: 'muted note widened', role: 'note', hidden: true })
  #hits = 0
  /** Fills so far: extras of an older fill that come after a newer one are dropped. */
  #fills = 0

  /** `first`: the view's first answer, which decides the routes table's columns. */
  constructor(context: TableContext, first: Stats, log: RequestLog) {
    this.#context = context
    const { view } = context
    this.#traffic = new TimeChart(
      'Traffic',
      { label: `Requests per ${first.bucket}`, format: (value) => count(value) },
      [
        { label: 'Hits', colour: '#2563eb', value: (p) => p.hits, whole: (s) => s.hits },
        { label: 'Unique', colour: '#16a34a', value: (p) => p.uniqueHits, whole: (s) => s.uniqueHits },
        { label: 'Errors', colour: '#dc2626', value: (p) => p.errors, whole: (s) => s.errors },
      ],
      this.#charts,
    )
    this.#latency = new TimeChart(
      'Response time',
      { label: 'Response time', format: ms },
      [
        { label: 'p50', colour: '#0891b2', value: (p) => p.p50ResponseTime, whole: (s) => s.responseTime.p50 },
        { label: 'p95', colour: '#d97706', value: (p) => p.p95ResponseTime, whole: (s) => s.responseTime.p95 },
        { label: 'p99', colour: '#be123c', value: (p) => p.p99ResponseTime, whole: (s) => s.responseTime.p99 },
      ],
      this.#charts,
    )
    const total = () => this.#hits
    const rows = view.group === 'route' ? first.routes : first.paths
    const exact = rows.length === 0 || rows.some((row) => row.uniqueHits !== null)
    this.#routes = routesTable(context, exact)
    this.#tables = {
      statusCodes: breakdownTable(context, 'status-codes', 'Status codes', 'status', total),
      methods: breakdownTable(context, 'methods', 'Methods', 'method', total),
      browsers: breakdownTable(context, 'browsers', 'Browsers', 'browser', total, 'browser'),
      platforms: breakdownTable(context, 'platforms', 'Platforms', 'platform', total, 'platform'),
      referrers: breakdownTable(context, 'referrers', 'Referrers', 'referrer', total, 'referrer'),
      mimetypes: breakdownTable(context, 'mimetypes', 'Mimetypes', 'mimetype', total, 'mimetype'),
    }
    this.#exceptions = exceptionsTable(context)
    this.#releases = new ReleasesPanel(context)
    this.#instances = new InstancesPanel(context)
    this.#log = log
    const note = exact
      ? ''
      : 'Unique visitors and p95 are kept per route pattern, not per literal path, over long ranges: group by route pattern, or click a path for its exact figures.'
    this.#panels = el(
      'div',
      { className: 'panels' },
      this.#charts.element,
      el('div', { className: 'charts' }, this.#traffic.element, this.#latency.element),
      el('div', { className: 'routes' }, groupToggle(context), this.#routes.element, el('p', { className: 'muted note', hidden: note === '' }, note)),
      this.#releases.element,
      this.#instances.element,
      el('div', { className: 'grid' }, ...Object.values(this.#tables).map((table) => table.element)),
      this.#exceptions.element,
      log.element,
    )
    this.main.append(this.alert, this.#warning, this.#alerts.element, chips(context), this.#widened, this.#cards.element, this.#empty, this.#panels)
  }

  /** Shows `loaded`; the page must be in the document (charts measure their width). */
  fill(loaded: Loaded): void {
    const { stats } = loaded
    const { view } = this.#context
    showHealth(this.#warning, loaded.health)
    this.#widened.hidden = stats.widened === undefined
    this.#widened.textContent =
      stats.widened === undefined
        ? ''
        : `Counted over whole hours, ${when(stats.widened.from)} to ${when(stats.widened.to)} (UTC): the raw rows of the range's first or last hour were pruned, and only that hour's total is kept.`
    this.#hits = stats.hits
    this.#cards.update(stats, loaded.previous)
    this.#empty.hidden = stats.hits !== 0
    this.#panels.hidden = stats.hits === 0
    this.#empty.replaceChildren(...emptyState(this.#context, stats))
    const fill = ++this.#fills
    // Alerts show whatever the range holds: traffic that stopped is one.
    void loaded.extras.then(([releases, instances, alerts]) => {
      if (fill !== this.#fills) return
      this.#alerts.update(alerts)
      if (stats.hits !== 0) this.#fillExtras(stats, releases, instances)
    })
    if (stats.hits !== 0) {
      this.#traffic.update(stats)
      this.#latency.update(stats)
      const group = view.group === 'route' ? 'routes' : 'paths'
      this.#routes.update(stats[group], left(stats.other[group], group === 'routes' ? 'other routes' : 'other paths'))
      for (const [name, table] of Object.entries(this.#tables)) {
        const key = name as PlainBreakdown
        table.update(stats[key], left(stats.other[key], 'other values'))
      }
      this.#exceptions.update(stats.exceptions, left(stats.other.exceptions, 'other exceptions'))
      this.#log.show(loaded.params, loaded.log)
    }
    this.alert.replaceChildren()
    this.main.ariaBusy = 'false'
  }

  #fillExtras(stats: Stats, releases: ReleasesAnswer | undefined, instances: InstancesAnswer | undefined): void {
    const markers = markersOf(releases, stats.from, stats.to)
    this.#traffic.mark(markers)
    this.#latency.mark(markers)
    if (releases !== undefined) this.#releases.update(releases)
    if (instances !== undefined) this.#instances.update(instances, stats, markers)
    this.#releases.element.hidden ||= releases === undefined
    this.#instances.element.hidden ||= instances === undefined
  }

  resize(): void {
    this.#traffic.resize()
    this.#latency.resize()
    this.#instances.resize()
  }
}

function groupToggle({ view, go }: TableContext): HTMLElement {
  const toggle = el('div', { className: 'group', role: 'group', ariaLabel: 'Group routes by' })
  for (const [group, label] of [
    ['path', 'Path'],
    ['route', 'Route pattern'],
  ] as const) {
    const button = el('button', { type: 'button', ariaPressed: String(view.group === group) }, label)
    button.addEventListener('click', () => go({ ...view, group }))
    toggle.append(button)
  }
  return toggle
}

function chips({ view, go }: TableContext): HTMLElement {
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
  if (health?.state === 'failing')
    lines.push(`statgraph cannot write to its database right now; it keeps retrying, holding ${count(health.buffered)} requests in memory.`)
  if (health !== null && health.dropped > 0)
    lines.push(
      `${count(health.dropped)} requests were not recorded since the app started: the database failed while the memory buffer was full. The numbers below miss them.`,
    )
  if (health?.lastError && lines.length > 0) lines.push(`Last error: ${health.lastError}`)
  warning.hidden = lines.length === 0
  warning.replaceChildren(...lines.map((line) => el('p', {}, line)))
}

function emptyState({ view, go }: TableContext, stats: Stats): (Node | string)[] {
  const range = `${when(stats.from)} to ${when(stats.to)} (UTC)`
  if (Object.keys(view.filters).length > 0 || view.audience !== 'all') {
    const clear = el('button', { type: 'button' }, 'Clear the filters')
    clear.addEventListener('click', () => go({ ...view, filters: {}, audience: 'all' }))
    return [el('p', {}, `No request matches these filters from ${range}.`), clear]
  }
  return [
    el('p', {}, `No requests recorded from ${range}.`),
    el('p', {}, 'statgraph records every request the app serves; new ones appear here within a few seconds. Pick a longer range to see older traffic.'),
  ]
}
