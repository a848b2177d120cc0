// The app's releases: when each was first and last seen, and the latest one (or the one filtered
// by) against the one before it — the routes that got worse beyond noise, named first.
import type { ReleasesAnswer } from '../src/dashboard/releases-answer.js'
import type { Release } from '../src/stats/answer/release.js'
import type { RouteChange } from '../src/stats/answer/release-comparison.js'
import { DataTable } from './data-table.js'
import { el } from './dom.js'
import { count, ms, share, when } from './format.js'
import { filterLink, type TableContext } from './tables.js'

export class ReleasesPanel {
  readonly element: HTMLElement
  readonly #summary = el('div', { className: 'panel release-comparison' })
  readonly #releases: DataTable<Release>
  readonly #changes: DataTable<RouteChange>

  constructor(context: TableContext) {
    this.#releases = new DataTable<Release>({
      id: 'releases',
      caption: 'Releases',
      columns: [
        { label: 'Version', value: (row) => row.version, render: (row) => filterLink(context, 'version', row.version), wide: true },
        { label: 'First seen (UTC)', value: (row) => row.firstSeen, render: (row) => when(row.firstSeen) },
        { label: 'Last seen (UTC)', value: (row) => row.lastSeen, render: (row) => when(row.lastSeen), optional: true },
        { label: 'Hits', value: (row) => row.hits, render: (row) => count(row.hits), numeric: true },
      ],
      initialSort: { column: 1, descending: true },
    })
    this.#changes = new DataTable<RouteChange>({
      id: 'release-routes',
      caption: 'Release changes by route',
      columns: [
        { label: 'Route', value: (row) => row.route, wide: true },
        { label: 'Hits', value: (row) => row.current?.hits ?? 0, render: (row) => count(row.current?.hits ?? 0), numeric: true, optional: true },
        { label: 'p95', value: (row) => row.current?.p95ResponseTime ?? null, render: (row) => ms(row.current?.p95ResponseTime ?? null), numeric: true },
        {
          label: 'p95 before',
          value: (row) => row.previous?.p95ResponseTime ?? null,
          render: (row) => ms(row.previous?.p95ResponseTime ?? null),
          numeric: true,
        },
        { label: 'Errors', value: (row) => row.current?.errorRate ?? 0, render: (row) => rate(row.current), numeric: true, optional: true },
        { label: 'Errors before', value: (row) => row.previous?.errorRate ?? 0, render: (row) => rate(row.previous), numeric: true, optional: true },
        { label: 'Verdict', value: (row) => verdict(row), render: (row) => (verdict(row) === '' ? '' : el('strong', { className: 'worse' }, verdict(row))) },
      ],
      searchText: (row) => row.route,
    })
    this.element = el('section', { className: 'releases' }, this.#summary, el('div', { className: 'grid' }, this.#releases.element, this.#changes.element))
  }

  update(answer: ReleasesAnswer): void {
    this.element.hidden = answer.releases.length === 0
    this.#releases.update(answer.releases, '')
    const comparison = answer.comparison
    this.#changes.element.hidden = comparison === null
    if (comparison === null) {
      this.#summary.replaceChildren(el('h2', {}, 'Releases'), el('p', { className: 'muted' }, 'One release so far: nothing to compare it with.'))
      return
    }
    const length = Date.parse(comparison.current.to) - Date.parse(comparison.current.from)
    const worse = comparison.routes.filter((change) => change.slower || change.moreErrors)
    this.#summary.replaceChildren(
      el('h2', {}, `Release ${comparison.version} against ${comparison.previous}`),
      el(
        'p',
        { className: 'muted' },
        `Each over its first ${duration(length)} after it was first seen.`,
        comparison.typicalShift === null ? '' : ` The typical route's p95 changed ×${comparison.typicalShift.toFixed(2)}.`,
      ),
      worse.length === 0
        ? el('p', { className: 'better' }, 'No route got slower or failed more often beyond noise.')
        : el(
            'ul',
            { className: 'release-worse', ariaLabel: 'Routes that got worse' },
            ...worse.map((change) => el('li', {}, el('strong', { className: 'route' }, change.route), ` — ${describe(change)}`)),
          ),
      el(
        'p',
        { className: 'muted note' },
        'A route counts as worse with 30 requests or more in both windows, and a p95 at least 1.25 times and 5 ms above the previous one once the other routes’ typical change is allowed for, or an error rate higher beyond chance (z ≥ 3).',
      ),
    )
    this.#changes.update(comparison.routes, '')
  }
}

function rate(figures: RouteChange['current']): string {
  return figures === null ? '–' : share(figures.errors, figures.hits)
}

function verdict(change: RouteChange): string {
  return [change.slower ? 'slower' : '', change.moreErrors ? 'more errors' : ''].filter((word) => word !== '').join(', ')
}

function describe(change: RouteChange): string {
  const parts: string[] = []
  if (change.slower) parts.push(`p95 ${ms(change.current?.p95ResponseTime ?? null)}, was ${ms(change.previous?.p95ResponseTime ?? null)}`)
  if (change.moreErrors) parts.push(`errors ${rate(change.current)}, were ${rate(change.previous)}`)
  return parts.join('; ')
}

function duration(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`
  if (ms < 172_800_000) return `${Math.round(ms / 3_600_000)} h`
  return `${Math.round(ms / 86_400_000)} days`
}
