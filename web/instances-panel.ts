// The app's instances: a table (last seen, hits, error rate, p95), a warning for one that stopped
// reporting while others go on, and their runtime gauges.
import type { InstanceLine, InstancesAnswer } from '../src/dashboard/instances-answer.js'
import type { Marker } from './chart-markers.js'
import { DataTable } from './data-table.js'
import { el } from './dom.js'
import { bytes, count, ms, share, when } from './format.js'
import { RuntimeChart } from './runtime-chart.js'
import { filterLink, type TableContext } from './tables.js'

export class InstancesPanel {
  readonly element: HTMLElement
  readonly #warning = el('div', { className: 'stopped-warning', role: 'status', hidden: true })
  readonly #table: DataTable<InstanceLine>
  readonly #charts = [
    new RuntimeChart('Event-loop delay p99', (point) => point.loopP99, ms),
    new RuntimeChart('Event-loop delay p50', (point) => point.loopP50, ms),
    new RuntimeChart('Heap used', (point) => point.heapUsed, bytes),
    new RuntimeChart('Resident memory (RSS)', (point) => point.rss, bytes),
    new RuntimeChart(
      'CPU',
      (point) => point.cpu,
      (value) => `${value.toFixed(value < 10 ? 1 : 0)}%`,
    ),
  ]

  constructor(context: TableContext) {
    this.#table = new DataTable<InstanceLine>({
      id: 'instances',
      caption: 'Instances',
      columns: [
        { label: 'Instance', value: (row) => row.instance, render: (row) => filterLink(context, 'instance', row.instance), wide: true },
        { label: 'Hits', value: (row) => row.hits, render: (row) => count(row.hits), numeric: true },
        { label: 'Error rate', value: (row) => row.errorRate, render: (row) => share(row.errors, row.hits), numeric: true },
        { label: 'p95', value: (row) => row.p95ResponseTime, render: (row) => ms(row.p95ResponseTime), numeric: true, optional: true },
        { label: 'Last seen (UTC)', value: (row) => lastSeen(row), render: (row) => when(lastSeen(row) ?? '–'), optional: true },
        {
          label: 'Status',
          value: (row) => (row.stopped ? 1 : 0),
          render: (row) => (row.stopped ? el('strong', { className: 'worse' }, 'stopped') : 'reporting'),
        },
      ],
      searchText: (row) => row.instance,
    })
    this.element = el(
      'section',
      { className: 'instances' },
      this.#warning,
      this.#table.element,
      el('div', { className: 'charts runtime' }, ...this.#charts.map((chart) => chart.element)),
    )
  }

  update(answer: InstancesAnswer, range: { from: string; to: string }, markers: readonly Marker[]): void {
    this.element.hidden = answer.instances.length === 0
    const stopped = answer.instances.filter((line) => line.stopped)
    this.#warning.hidden = stopped.length === 0
    this.#warning.replaceChildren(
      ...stopped.map((line) =>
        el('p', {}, `Instance ${line.instance} stopped reporting: its last sample came at ${when(line.lastSample ?? '')} (UTC), while other instances go on.`),
      ),
    )
    this.#table.update(answer.instances, '')
    const shown = answer.runtime.length > 0
    for (const chart of this.#charts) {
      chart.element.hidden = !shown
      if (shown) chart.update(answer.runtime, answer.width, range, markers)
    }
  }

  resize(): void {
    for (const chart of this.#charts) chart.resize()
  }
}

/** The latest sign of life: a request served or a runtime sample. */
function lastSeen(line: InstanceLine): string | null {
  // ISO instants sort as text.
  return (
    [line.lastRequested, line.lastSample]
      .filter((sign): sign is string => sign !== null)
      .sort()
      .at(-1) ?? null
  )
}
