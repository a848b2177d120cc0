// Charts that move together: one cursor across them (uPlot's sync), one zoom, and a visible way
// back from it.
import type uPlot from 'uplot'
import { el } from './dom.js'

let groups = 0

export class ChartGroup {
  readonly key = `statgraph-${++groups}`
  /** The hint while not zoomed, the reset button while zoomed. */
  readonly element: HTMLElement
  readonly #charts: uPlot[] = []
  readonly #hint = el('span', { className: 'muted' }, 'Drag across a chart to zoom in.')
  readonly #reset = el('button', { type: 'button', hidden: true }, 'Reset zoom')

  constructor() {
    this.#reset.addEventListener('click', () => this.reset())
    this.element = el('div', { className: 'chart-tools' }, this.#hint, this.#reset)
  }

  add(chart: uPlot): void {
    this.#charts.push(chart)
  }

  /** Zooms every chart to the span selected on `source`. */
  zoomTo(source: uPlot): void {
    const { left, width } = source.select
    if (width < 2) return
    const min = source.posToVal(left, 'x')
    const max = source.posToVal(left + width, 'x')
    source.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false)
    for (const chart of this.#live()) chart.setScale('x', { min, max })
    this.#zoomed(true)
  }

  reset(): void {
    for (const chart of this.#live()) {
      const times = chart.data[0]
      if (times.length > 0) chart.setScale('x', { min: times[0] as number, max: times[times.length - 1] as number })
    }
    this.#zoomed(false)
  }

  #zoomed(zoomed: boolean): void {
    this.#reset.hidden = !zoomed
    this.#hint.hidden = zoomed
  }

  /** The charts still on the page (a bucket change replaces a chart). */
  #live(): uPlot[] {
    return this.#charts.filter((chart) => chart.root.isConnected)
  }
}
