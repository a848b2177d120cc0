import type { Digest } from './digest.js'

/**
 * What a webhook receives (format `'json'`): an alert that fired or resolved, or a digest. `id` is
 * the same on every attempt of one notification: a receiver that may see one twice (an instance
 * that died mid-request, its notification sent again by the next) drops what it has seen.
 */
export type AlertEvent = QueuedEvent & { id: string }

/** An event as queued, before it has a notification's id. */
export type QueuedEvent =
  | { event: 'firing'; rule: string; key: string; summary: string; value: number | null; firedAt: string }
  | { event: 'resolved'; rule: string; key: string; summary: string; value: number | null; firedAt: string; resolvedAt: string }
  | { event: 'digest'; digest: Digest }

/** Slack's `{ text }`: the event in a few lines of its markup, with what strangers wrote (exception texts, paths) escaped. */
export function slackText(event: AlertEvent): string {
  switch (event.event) {
    case 'firing':
      return `:rotating_light: *${slack(event.rule)}*\n${slack(event.summary)}`
    case 'resolved':
      return `:white_check_mark: Resolved: *${slack(event.rule)}*\n${slack(event.summary)} (fired ${event.firedAt})`
    case 'digest': {
      const { digest } = event
      const { current: now, previous: before } = digest
      const lines = [
        `:bar_chart: *statgraph digest* ${digest.from} – ${digest.to}`,
        `Requests ${now.hits} (before: ${before.hits}) · visitors ${now.uniqueHits} (${before.uniqueHits}) · errors ${now.errorRate} % (${before.errorRate} %) · p95 ${ms(now.p95ResponseTime)} (${ms(before.p95ResponseTime)})`,
        ...list('Slowest routes', digest.slowestRoutes, (line) => `${line.route}: p95 ${ms(line.p95ResponseTime)}, ${line.hits} requests`),
        ...list('Most failing routes', digest.failingRoutes, (line) => `${line.route}: ${line.errors} errors of ${line.hits}`),
        ...list('New exceptions', digest.newExceptions, (line) => `${line.text} ×${line.count}`),
        ...list('Releases', digest.releases, (line) => `${line.version}, first seen ${line.firstSeen}`),
      ]
      return lines.join('\n')
    }
  }
}

function list<T>(title: string, lines: readonly T[], text: (line: T) => string): string[] {
  return lines.length === 0 ? [] : [`*${title}*`, ...lines.map((line) => `• ${slack(text(line))}`)]
}

const ms = (value: number | null) => (value === null ? '–' : `${value} ms`)

/** Slack's escaping: `&`, `<` and `>` would otherwise make links and mentions. */
const slack = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
