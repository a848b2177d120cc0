// One runtime gauge (event-loop delay, heap, CPU) as a line per instance, over the view's range,
// with the same markers as the traffic charts. Made again when the instances change.
import uPlot from 'uplot'
import type { RuntimePoint } from '../src/stats/runtime/runtime-sample.js'
import { el } from './dom.js'
import { tick } from './format.js'
import { type Marker, markerHook } from './chart-markers.js'

const HEIGHT = 200
const COLOURS = ['#2563eb', '#d97706', '#16a34a', '#be123c', '#7c3aed', '#0891b2', '#4d7c0f', '#c2410c']

export class RuntimeChart {
  readonly element: HTMLElement
  readonly #title: string
  readonly #value: (point: RuntimePoint) => number
  readonly #format: (value: number) => string
  #chart: uPlot | undefined
  #instances = ''
  #markers: readonly Marker[] = []
  #width = 10_000
  #range: [number, number] = [0, 0]

  constructor(title: string, value: (point: RuntimePoint) => number, format: (value: number) => string) {
    this.#title = title
    this.#value = value
    this.#format = format
    this.element = el('section', { className: 'panel chart runtime-chart', role: 'img', ariaLabel: title }, el('h3', {}, title))
  }

  /** `width`: of one point, ms; `from`, `to`: the view's range (ISO), which the time axis spans, as the traffic chart's does. */
  update(points: readonly RuntimePoint[], width: number, range: { from: string; to: string }, markers: readonly Marker[]): void {
    this.#markers = markers
    this.#width = width
    this.#range = [Date.parse(range.from) / 1000, Date.parse(range.to) / 1000]
    const instances = [...new Set(points.map((point) => point.instance))].sort()
    const times = [...new Set(points.map((point) => Date.parse(point.t) / 1000))].sort((a, b) => a - b)
    const column = new Map(times.map((t, i) => [t, i]))
    const series = instances.map(() => new Array<number | null>(times.length).fill(null))
    for (const point of points) {
      const row = series[instances.indexOf(point.instance)]
      const index = column.get(Date.parse(point.t) / 1000)
      if (row !== undefined && index !== undefined) row[index] = this.#value(point)
    }
    const data: uPlot.AlignedData = [times, ...series]
    this.element.ariaLabel = `${this.#title}, per instance: ${instances.join(', ')}`
    if (this.#chart !== undefined && this.#instances === instances.join('\0')) {
      this.#chart.setData(data)
      return
    }
    this.#chart?.destroy()
    this.#instances = instances.join('\0')
    const style = getComputedStyle(document.body)
    const grid = { stroke: style.getPropertyValue('--border').trim() || '#e2e8f0' }
    this.#chart = new uPlot(
      {
        width: this.#chartWidth(),
        height: HEIGHT,
        padding: [12, 20, 0, 4],
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: { x: { time: true, range: () => this.#range } },
        hooks: {
          draw: [
            markerHook(
              () => this.#markers,
              (t) => Math.floor((t * 1000) / this.#width) * (this.#width / 1000),
            ),
          ],
        },
        series: [
          { label: 'UTC', value: (_chart, ts) => (ts === null ? '–' : tick(ts, 'minute')) },
          ...instances.map((instance, i) => ({
            label: instance,
            stroke: COLOURS[i % COLOURS.length] as string,
            width: 2,
            value: (_chart: uPlot, value: number | null) => (value === null ? '–' : this.#format(value)),
          })),
        ],
        axes: [
          {
            stroke: style.color,
            grid,
            ticks: grid,
            space: 72,
            values: (_chart, ticks) => ticks.map((value) => tick(value, this.#range[1] - this.#range[0] > 86_400 ? 'hour' : 'minute')),
          },
          { stroke: style.color, grid, ticks: grid, size: 76, values: (_chart, ticks) => ticks.map(this.#format) },
        ],
      },
      data,
      this.element,
    )
    Object.defineProperty(this.element, 'uplot', { value: this.#chart, configurable: true })
  }

  resize(): void {
    this.#chart?.setSize({ width: this.#chartWidth(), height: HEIGHT })
  }

  #chartWidth(): number {
    return Math.max(260, this.element.clientWidth - 32)
  }
}
