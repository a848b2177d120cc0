// Notes and releases as markers on a uPlot chart: a dashed line at each instant, its text on hover
// (a tooltip of the page's own, and the title for assistive technology). Written as text, never HTML.
import type uPlot from 'uplot'
import type { ReleasesAnswer } from '../src/dashboard/releases-answer.js'
import { el } from './dom.js'
import { when } from './format.js'

export interface Marker {
  /** Seconds since the epoch, as the chart's x values. */
  t: number
  text: string
  kind: 'note' | 'release'
}

/** The markers of a releases answer within [from, to) (ISO): its notes, and the releases first seen then. */
export function markersOf(answer: ReleasesAnswer | undefined, from: string, to: string): Marker[] {
  if (answer === undefined) return []
  const inRange = (iso: string) => iso >= from && iso < to
  return [
    ...answer.annotations.filter((note) => inRange(note.at)).map((note) => ({ t: Date.parse(note.at) / 1000, text: note.text, kind: 'note' as const })),
    ...answer.releases
      .filter((release) => inRange(release.firstSeen))
      .map((release) => ({ t: Date.parse(release.firstSeen) / 1000, text: `Release ${release.version} first seen`, kind: 'release' as const })),
  ]
}

/**
 * Draws `markers()` over a chart after each redraw (new data, zoom, resize), each on the point whose
 * bucket holds it (`pointOf`, seconds to seconds): a chart's points stand at their buckets' starts,
 * and markers of one point are one marker, their texts in a list. A marker drawn before keeps its
 * element, so hovering it survives a redraw.
 */
export function markerHook(markers: () => readonly Marker[], pointOf: (t: number) => number): (chart: uPlot) => void {
  const shown = new Map<string, HTMLElement>()
  return (chart) => {
    const { min, max } = chart.scales.x ?? {}
    const points = new Map<number, Marker[]>()
    for (const marker of markers()) {
      const at = pointOf(marker.t)
      if (min === undefined || max === undefined || at < min || at > max) continue
      points.set(at, [...(points.get(at) ?? []), marker])
    }
    const kept = new Set<string>()
    for (const [at, here] of points) {
      const labels = here.map((marker) => `${marker.text} (${when(new Date(marker.t * 1000).toISOString())} UTC)`)
      const kinds = [...new Set(here.map((marker) => `marker-${marker.kind}`))]
      const key = `${at}\0${labels.join('\0')}`
      let line = shown.get(key)
      if (line === undefined) {
        const list = el('span', { className: 'marker-label' }, ...labels.flatMap((label, i) => (i === 0 ? [label] : [el('br'), label])))
        line = el('div', { className: ['marker', ...kinds].join(' '), title: labels.join('\n') }, list)
        shown.set(key, line)
        chart.over.append(line)
      }
      line.style.left = `${chart.valToPos(at, 'x')}px`
      kept.add(key)
    }
    for (const [key, line] of shown) {
      if (kept.has(key)) continue
      line.remove()
      shown.delete(key)
    }
  }
}
