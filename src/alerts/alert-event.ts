import type { Digest } from './digest.js'

/**
 * What a destination receives (a webhook of format `'json'` as it is): an alert that fired or
 * resolved, or a digest. `id` is the same on every attempt of one notification: a receiver that may
 * see one twice (an instance that died mid-request, its notification sent again by the next) drops
 * what it has seen.
 */
export type AlertEvent = QueuedEvent & { id: string }

/** An event as queued, before it has a notification's id. */
export type QueuedEvent =
  | { event: 'firing'; rule: string; key: string; summary: string; value: number | null; firedAt: string }
  | { event: 'resolved'; rule: string; key: string; summary: string; value: number | null; firedAt: string; resolvedAt: string }
  | { event: 'digest'; digest: Digest }

/** How a text format writes emphasis, quotes strangers' text (escaping what it would read as markup), and marks an event. */
interface Markup {
  strong(text: string): string
  quote(text: string): string
  mark: Record<QueuedEvent['event'], string>
}

/** Slack's mrkdwn: `&`, `<` and `>` would otherwise make links and mentions. */
const SLACK: Markup = {
  strong: (text) => `*${text}*`,
  quote: (text) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;'),
  mark: { firing: ':rotating_light: ', resolved: ':white_check_mark: ', digest: ':bar_chart: ' },
}

/** Plain text, for e-mail: nothing to escape. */
const PLAIN: Markup = { strong: (text) => text, quote: (text) => text, mark: { firing: '', resolved: '', digest: '' } }

/** Slack's `{ text }` for `event`. */
export function slackText(event: AlertEvent): string {
  return lines(event, SLACK).join('\n')
}

/** `event` as the plain-text body of an e-mail. */
export function plainText(event: AlertEvent): string {
  return `${lines(event, PLAIN).join('\n')}\n\n(statgraph notification ${event.id})\n`
}

/** A one-line subject for `event`. */
export function subjectOf(event: AlertEvent): string {
  const subject =
    event.event === 'digest'
      ? `statgraph digest ${event.digest.from.slice(0, 10)} – ${event.digest.to.slice(0, 10)}`
      : `${event.event === 'firing' ? 'Firing' : 'Resolved'}: ${event.rule}`
  // Header injection is the transport's to refuse; a long exception text is cut here.
  return subject.replaceAll(/[\r\n]+/g, ' ').slice(0, 200)
}

function lines(event: AlertEvent, markup: Markup): string[] {
  const { strong, quote, mark } = markup
  switch (event.event) {
    case 'firing':
      return [`${mark.firing}${strong(quote(event.rule))}`, quote(event.summary)]
    case 'resolved':
      return [`${mark.resolved}Resolved: ${strong(quote(event.rule))}`, `${quote(event.summary)} (fired ${event.firedAt})`]
    case 'digest': {
      const { digest } = event
      const { current: now, previous: before } = digest
      const list = <T>(title: string, entries: readonly T[], text: (entry: T) => string) =>
        entries.length === 0 ? [] : [strong(title), ...entries.map((entry) => `• ${quote(text(entry))}`)]
      return [
        `${mark.digest}${strong('statgraph digest')} ${digest.from} – ${digest.to}`,
        `Requests ${now.hits} (before: ${before.hits}) · visitors ${now.uniqueHits} (${before.uniqueHits}) · errors ${now.errorRate} % (${before.errorRate} %) · p95 ${ms(now.p95ResponseTime)} (${ms(before.p95ResponseTime)})`,
        ...list('Slowest routes', digest.slowestRoutes, (line) => `${line.route}: p95 ${ms(line.p95ResponseTime)}, ${line.hits} requests`),
        ...list('Most failing routes', digest.failingRoutes, (line) => `${line.route}: ${line.errors} errors of ${line.hits}`),
        ...list('New exceptions', digest.newExceptions, (line) => `${line.text} ×${line.count}`),
        ...list('Releases', digest.releases, (line) => `${line.version}, first seen ${line.firstSeen}`),
      ]
    }
  }
}

const ms = (value: number | null) => (value === null ? '–' : `${Math.round(value * 10) / 10} ms`)
