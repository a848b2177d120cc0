// The alerts: what fires now, on top of the page whatever the range shows, and what fired lately.
// Summaries carry exception texts and paths, strangers' text: written as text.
import type { AlertsAnswer } from '../src/dashboard/alerts-answer.js'
import type { AlertLine } from '../src/store/alert-store.js'
import { DataTable } from './data-table.js'
import { el } from './dom.js'
import { when } from './format.js'

export class AlertsPanel {
  readonly element: HTMLElement
  readonly #firing = el('div', { className: 'alerts-firing', role: 'status' })
  readonly #history = new DataTable<AlertLine>({
    id: 'alerts',
    caption: 'Alerts fired in the last 30 days',
    columns: [
      { label: 'Rule', value: (row) => row.rule },
      { label: 'What was seen', value: (row) => row.summary, wide: true },
      { label: 'Fired (UTC)', value: (row) => row.firedAt, render: (row) => when(row.firedAt) },
      {
        label: 'Resolved (UTC)',
        value: (row) => row.resolvedAt,
        render: (row) => (row.resolvedAt === null ? el('strong', { className: 'worse' }, 'firing') : when(row.resolvedAt)),
      },
    ],
    searchText: (row) => `${row.rule} ${row.summary}`,
    initialSort: { column: 2, descending: true },
  })

  constructor() {
    this.element = el('section', { className: 'alerts', hidden: true }, this.#firing, this.#history.element)
  }

  /** Shows `answer`; nothing when the app has no rules and nothing ever fired, or alerts could not be read. */
  update(answer: AlertsAnswer | undefined): void {
    this.element.hidden = answer === undefined || (answer.rules.length === 0 && answer.fired.length === 0)
    if (answer === undefined) return
    const { firing } = answer
    this.#firing.className = firing.length === 0 ? 'alerts-firing quiet' : 'alerts-firing warning'
    this.#firing.replaceChildren(
      el('h2', {}, firing.length === 0 ? 'No alert is firing' : `${firing.length} alert${firing.length === 1 ? '' : 's'} firing`),
      ...(firing.length === 0
        ? [el('p', { className: 'muted' }, `Watching: ${answer.rules.map((rule) => rule.name).join(', ') || 'no rule'}.`)]
        : [el('ul', {}, ...firing.map((line) => el('li', {}, el('strong', {}, line.rule), ` — ${line.summary}, since ${when(line.firedAt)} UTC`)))]),
    )
    this.#history.update(answer.fired, '')
  }
}
