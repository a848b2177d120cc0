// A uPlot chart of some series of the time series. update() swaps the data in place, so a live
// refresh neither flickers nor loses the reader's place.
import uPlot from 'uplot'
import type { Stats, TimeseriesPoint } from '../src/stats/stats.js'
import type { TimeBucket } from '../src/stats/time-bucket.js'
import { el } from './dom.js'
import { tick } from './format.js'

export interface ChartSeries {
  label: string
  colour: string
  value(point: TimeseriesPoint): number | null
}

const DAY = 86_400

export class TimeChart {
  readonly element: HTMLElement
  readonly #series: ChartSeries[]
  readonly #title: string
  readonly #unit: string
  #chart: uPlot | undefined
  #bucket: TimeBucket | undefined

  constructor(title: string, unit: string, series: ChartSeries[]) {
    this.#title = title
    this.#unit = unit
    this.#series = series
    this.element = el('section', { className: 'panel chart', role: 'img', ariaLabel: title }, el('h2', {}, title))
  }

  update(stats: Stats): void {
    const data: uPlot.AlignedData = [
      stats.timeseries.map((point) => Date.parse(point.t) / 1000),
      ...this.#series.map((series) => stats.timeseries.map((point) => series.value(point))),
    ]
    this.element.ariaLabel = `${this.#title}, per ${stats.bucket} (UTC), ${stats.start} to ${stats.end}`
    if (this.#chart !== undefined && this.#bucket === stats.bucket) {
      this.#chart.setData(data)
      return
    }
    this.#chart?.destroy()
    this.#bucket = stats.bucket
    this.#chart = new uPlot(this.#options(stats.bucket), data, this.element)
  }

  resize(): void {
    this.#chart?.setSize({ width: this.#width(), height: 240 })
  }

  #width(): number {
    return Math.max(260, this.element.clientWidth - 32)
  }

  #options(bucket: TimeBucket): uPlot.Options {
    // Canvas text cannot follow CSS colours by itself: hand it the theme's colours.
    const style = getComputedStyle(document.body)
    const text = style.color
    const grid = { stroke: style.getPropertyValue('--border').trim() || '#e2e8f0' }
    return {
      width: this.#width(),
      height: 240,
      padding: [12, 20, 0, 4],
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      series: [
        { label: 'UTC', value: (_chart, ts) => (ts === null ? '–' : tick(ts, bucket === 'day' ? 'day' : 'hour')) },
        ...this.#series.map((series) => ({
          label: series.label,
          stroke: series.colour,
          width: 2,
          spanGaps: false,
          value: (_chart: uPlot, value: number | null) => (value === null ? '–' : `${Math.round(value * 100) / 100}${this.#unit}`),
        })),
      ],
      axes: [
        {
          stroke: text,
          grid,
          ticks: grid,
          // Daily points get whole-day ticks only.
          ...(bucket === 'day' ? { incrs: [DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 365 * DAY] } : {}),
          values: (_chart, ticks) => ticks.map((value) => tick(value, bucket)),
        },
        { stroke: text, grid, ticks: grid, size: 56 },
      ],
    }
  }
}
