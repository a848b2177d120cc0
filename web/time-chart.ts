// A uPlot chart of some series of the time series. update() swaps the data in place, so a live
// refresh neither flickers nor loses the reader's place. Charts of one ChartGroup share the cursor
// and the zoom.
import uPlot from 'uplot'
import type { Stats, TimeseriesPoint } from '../src/stats/answer/stats.js'
import type { TimeBucket } from '../src/stats/time/time-bucket.js'
import type { ChartGroup } from './chart-group.js'
import { el } from './dom.js'
import { tick } from './format.js'
import { bucketStart } from '../src/stats/time/time-bucket.js'
import { type Marker, markerHook } from './chart-markers.js'

export interface ChartSeries {
  label: string
  colour: string
  value(point: TimeseriesPoint): number | null
  /** The figure for the whole range, shown in the legend while the cursor is off the chart. */
  whole(stats: Stats): number | null
}

export interface ChartAxis {
  /** The y axis's title, unit included. */
  label: string
  /** A value as the axis and the legend write it. */
  format(value: number): string
}

const DAY = 86_400
const HEIGHT = 240
/** The fewest pixels between two time labels: an hour's label (`01-15 13:00`) is the widest. */
const LABEL_SPACE: Record<TimeBucket, number> = { minute: 56, hour: 96, day: 56, week: 96, month: 72 }

export class TimeChart {
  readonly element: HTMLElement
  readonly #series: ChartSeries[]
  readonly #title: string
  readonly #axis: ChartAxis
  readonly #group: ChartGroup
  #chart: uPlot | undefined
  #bucket: TimeBucket | undefined
  #stats: Stats | undefined
  #markers: readonly Marker[] = []

  constructor(title: string, axis: ChartAxis, series: ChartSeries[], group: ChartGroup) {
    this.#title = title
    this.#axis = axis
    this.#series = series
    this.#group = group
    this.element = el('section', { className: 'panel chart', role: 'img', ariaLabel: title }, el('h2', {}, title))
  }

  update(stats: Stats): void {
    this.#stats = stats
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
    // Reachable from the console (and the page's tests): `document.querySelector('.chart').uplot`.
    Object.defineProperty(this.element, 'uplot', { value: this.#chart, configurable: true })
    this.#group.add(this.#chart)
  }

  /** Notes and releases to mark on the time axis; drawn with the next redraw, or now. */
  mark(markers: readonly Marker[]): void {
    this.#markers = markers
    this.#chart?.redraw(false, false)
  }

  resize(): void {
    this.#chart?.setSize({ width: this.#width(), height: HEIGHT })
  }

  #width(): number {
    return Math.max(260, this.element.clientWidth - 32)
  }

  #options(bucket: TimeBucket): uPlot.Options {
    // Canvas text cannot follow CSS colours by itself: hand it the theme's colours.
    const style = getComputedStyle(document.body)
    const text = style.color
    const grid = { stroke: style.getPropertyValue('--border').trim() || '#e2e8f0' }
    const format = this.#axis.format
    return {
      width: this.#width(),
      height: HEIGHT,
      padding: [12, 20, 0, 4],
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      // Dragging selects a span that the group zooms every chart to.
      cursor: { sync: { key: this.#group.key }, drag: { x: true, y: false, setScale: false } },
      hooks: {
        setSelect: [(chart) => this.#group.zoomTo(chart)],
        draw: [
          markerHook(
            () => this.#markers,
            (t) => bucketStart(t * 1000, bucket) / 1000,
          ),
        ],
      },
      series: [
        { label: 'UTC', value: (_chart, ts) => (ts === null ? 'whole range' : tick(ts, bucket === 'minute' ? 'hour' : bucket)) },
        ...this.#series.map((series) => ({
          label: series.label,
          stroke: series.colour,
          width: 2,
          spanGaps: false,
          // A value between two gaps has no line to draw: a dot shows it.
          points: { show: true, size: 6, filter: isolated },
          // Off the chart, the legend holds the range's figure; on it, the point's.
          value: (_chart: uPlot, value: number | null, _series: number, index: number | null) => {
            const shown = index === null ? series.whole(this.#stats as Stats) : value
            return shown === null ? '–' : format(shown)
          },
        })),
      ],
      axes: [
        {
          stroke: text,
          grid,
          ticks: grid,
          space: LABEL_SPACE[bucket],
          // Daily points get whole-day ticks only.
          ...(bucket === 'day' ? { incrs: [DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 91 * DAY, 365 * DAY] } : {}),
          values: (_chart, ticks) => ticks.map((value) => tick(value, bucket)),
        },
        { stroke: text, grid, ticks: grid, size: 64, label: this.#axis.label, labelSize: 20, values: (_chart, ticks) => ticks.map(format) },
      ],
    }
  }
}

/** The indices of values with no value on either side: a line cannot show them (none: no dots at all). */
function isolated(chart: uPlot, seriesIndex: number): number[] {
  const values = chart.data[seriesIndex] ?? []
  const found: number[] = []
  for (let i = 0; i < values.length; i++) {
    if (values[i] != null && values[i - 1] == null && values[i + 1] == null) found.push(i)
  }
  return found
}
