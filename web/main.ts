// The dashboard page: every panel reads the JSON API for the view held in the URL. Everything shown
// that came from requests (paths, user agents, referrers, exceptions) is written as text.
import 'uplot/dist/uPlot.min.css'
import type { SearchAnswer } from '../src/stats/query/search-query.js'
import type { Stats } from '../src/stats/answer/stats.js'
import type { RequestPage } from '../src/stats/answer/request-page.js'
import type { InstancesAnswer } from '../src/dashboard/instances-answer.js'
import type { ReleasesAnswer } from '../src/dashboard/releases-answer.js'
import type { AlertsAnswer } from '../src/dashboard/alerts-answer.js'
import { api, ApiError, readHealth } from './api.js'
import { el } from './dom.js'
import { header, LIVE_SECONDS } from './header.js'
import { RequestLog } from './request-log.js'
import type { TableContext } from './tables.js'
import { apiParams, readView, toSearch, type View, viewCalls } from '../src/dashboard/view.js'
import { type Loaded, ViewPage } from './view-page.js'

const body = document.body
const defaultSpan = Number(body.dataset.defaultDateSpan ?? '7')
const progress = el('div', { className: 'progress', ariaHidden: 'true' })

function go(view: View, replace = false): void {
  history[replace ? 'replaceState' : 'pushState'](null, '', toSearch(view))
  void dashboard.show(readView(location.search, defaultSpan))
}

/** Everything a view shows, asked at once: the range, the period before it, health, the log's page at `offset`. */
async function load(view: View, offset: number): Promise<Loaded> {
  const calls = viewCalls(view, Date.now(), offset)
  // Panels of their own, shown when they come: the view shows without them.
  const extras = Promise.all([
    api<ReleasesAnswer>(calls.releases).catch(() => undefined),
    api<InstancesAnswer>(calls.instances).catch(() => undefined),
    api<AlertsAnswer>(calls.alerts).catch(() => undefined),
  ])
  const [stats, previous, health, log] = await Promise.all([
    api<Stats>(calls.stats),
    // Only for the cards' comparison: without it they say so, the page still shows.
    calls.previous === undefined ? undefined : api<Stats>(calls.previous).catch(() => undefined),
    readHealth(),
    api<RequestPage>(calls.log),
  ])
  return { params: calls.params, stats, previous, health, log, extras }
}

/**
 * The page for one view at a time. A new view is read while the last one stays, dimmed, under a
 * progress bar, and replaces it whole once every answer is in; live mode refreshes it in place.
 */
class Dashboard {
  #view: View = readView(location.search, defaultSpan)
  #generation = 0
  #timer: ReturnType<typeof setInterval> | undefined

  async show(view: View): Promise<void> {
    this.#view = view
    clearInterval(this.#timer)
    const mine = ++this.#generation
    const top = header(view, go)
    const shown = body.querySelector('main') ?? el('main', {}, el('p', { className: 'loading muted' }, 'Loading the statistics…'))
    shown.ariaBusy = 'true'
    shown.classList.add('stale')
    body.replaceChildren(progress, top, shown)
    body.classList.add('loading')
    const context: TableContext = { view, go, search: (field, text) => search(view, field, text) }
    const log = new RequestLog((params) => api<RequestPage>(`requests?${params}`))
    try {
      const loaded = await load(view, 0)
      if (mine !== this.#generation) return
      // For bench:page and the browser's own profiler: when the answers were in, when the view was.
      performance.mark('statgraph:answered')
      const page = new ViewPage(context, loaded.stats, log)
      body.replaceChildren(progress, top, page.main)
      page.fill(loaded)
      performance.mark('statgraph:shown')
      window.onresize = () => page.resize()
      if (view.live) this.#timer = setInterval(() => void this.#refresh(page, view, log, mine), LIVE_SECONDS * 1000)
    } catch (error) {
      if (mine !== this.#generation) return
      shown.classList.remove('stale')
      shown.ariaBusy = 'false'
      alertOf(shown).replaceChildren(...failure(error, () => void this.show(view)))
    } finally {
      if (mine === this.#generation) body.classList.remove('loading')
    }
  }

  async #refresh(page: ViewPage, view: View, log: RequestLog, mine: number): Promise<void> {
    try {
      const loaded = await load(view, log.offset)
      if (mine === this.#generation) page.fill(loaded)
    } catch (error) {
      if (mine === this.#generation) page.alert.replaceChildren(...failure(error, () => void this.#refresh(page, view, log, mine)))
    }
  }

  get view(): View {
    return this.#view
  }
}

async function search(view: View, field: SearchAnswer['field'], text: string): Promise<SearchAnswer['rows']> {
  const params = apiParams(view, Date.now())
  params.set('field', field)
  params.set('q', text)
  return (await api<SearchAnswer>(`search?${params}`)).rows
}

/** The alert of a `main`: a page's own, or one added to the first-load placeholder. */
function alertOf(main: HTMLElement): HTMLElement {
  const found = main.querySelector<HTMLElement>(':scope > [role="alert"]')
  if (found !== null) return found
  const alert = el('div', { role: 'alert' })
  main.prepend(alert)
  return alert
}

/** Why the statistics did not load, and the way on: again, where that may help; else back to the default view. */
function failure(error: unknown, retry: () => void): HTMLElement[] {
  const message = error instanceof Error ? error.message : String(error)
  const retryable = !(error instanceof ApiError) || error.retryable
  const action = el('button', { type: 'button' }, retryable ? 'Try again' : 'Back to the default view')
  action.addEventListener('click', retryable ? retry : () => go(readView('', defaultSpan)))
  return [el('p', { className: 'error' }, `The statistics could not be loaded: ${message}.`), action]
}

const dashboard = new Dashboard()
window.addEventListener('popstate', () => void dashboard.show(readView(location.search, defaultSpan)))
void dashboard.show(dashboard.view)
