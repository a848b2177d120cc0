// The headline numbers, each with its change against the period of the same length just before.
import type { Stats } from '../src/stats/answer/stats.js'
import { el } from './dom.js'
import { bytes, count, ms, share } from './format.js'

interface CardSpec {
  name: string
  label: string
  value(stats: Stats): number | null
  show(value: number | null, stats: Stats): string
  /** Whether a rise is bad news (errors, response times): it is coloured as such. */
  higherIsWorse: boolean
  /** A rate: its change reads in percentage points (2.0 % → 6.2 % is ▲ 4.2 pts, not ▲ 210 %). */
  rate?: boolean
}

const errorRate = (stats: Stats) => (stats.hits === 0 ? null : stats.errors / stats.hits)

const CARDS: CardSpec[] = [
  { name: 'hits', label: 'Hits', value: (s) => s.hits, show: (v) => count(v ?? 0), higherIsWorse: false },
  { name: 'uniqueHits', label: 'Unique visitors', value: (s) => s.uniqueHits, show: (v) => count(v ?? 0), higherIsWorse: false },
  { name: 'errorRate', label: 'Error rate (5xx)', value: errorRate, show: (_v, s) => share(s.errors, s.hits), higherIsWorse: true, rate: true },
  { name: 'p50', label: 'p50 response', value: (s) => s.responseTime.p50, show: ms, higherIsWorse: true },
  { name: 'p95', label: 'p95 response', value: (s) => s.responseTime.p95, show: ms, higherIsWorse: true },
  { name: 'p99', label: 'p99 response', value: (s) => s.responseTime.p99, show: ms, higherIsWorse: true },
  { name: 'avg', label: 'Average response', value: (s) => s.responseTime.avg, show: ms, higherIsWorse: true },
  { name: 'bytes', label: 'Bytes sent', value: (s) => s.bytes, show: (v) => bytes(v ?? 0), higherIsWorse: false },
]

export class Cards {
  readonly element = el('section', { className: 'cards', ariaLabel: 'Totals' })

  update(stats: Stats, previous: Stats | undefined): void {
    this.element.replaceChildren(
      ...CARDS.map((card) => {
        const value = card.value(stats)
        return el(
          'div',
          { className: 'card' },
          el('div', { className: 'card-label' }, card.label),
          el('div', { className: 'card-value', title: card.name }, card.show(value, stats)),
          change(card, value, previous === undefined ? null : card.value(previous)),
        )
      }),
    )
  }
}

function change(card: CardSpec, value: number | null, before: number | null): HTMLElement {
  const node = el('div', { className: 'card-change' })
  const muted = (text: string) => {
    node.textContent = text
    node.classList.add('muted')
    return node
  }
  if (value === before) return muted('no change vs previous period')
  // One wording wherever the previous period gives nothing to compare with.
  if (value === null || before === null || (before === 0 && !card.rate)) return muted('nothing to compare with')
  const delta = card.rate ? (value - before) * 100 : ((value - before) / before) * 100
  const rounded = Math.round(delta * 10) / 10
  if (rounded === 0) return muted('no change vs previous period')
  node.textContent = `${rounded > 0 ? '▲' : '▼'} ${Math.abs(rounded)}${card.rate ? ' pts' : '%'} vs previous period`
  node.classList.add(rounded > 0 === card.higherIsWorse ? 'worse' : 'better')
  return node
}
