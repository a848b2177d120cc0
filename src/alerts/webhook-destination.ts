import { invalidOption } from '../errors/statgraph-error.js'
import { type AlertDestination, destinationKey } from './alert-destination.js'
import { slackText } from './alert-event.js'

/** A URL taking a POST of JSON, in statgraph's own shape or Slack's. */
export interface Webhook {
  url: string
  /** `'json'` (default): statgraph's event as it is; `'slack'`: `{ text }` for a Slack incoming webhook. */
  format?: 'json' | 'slack'
  /** Sent with each POST (an `Authorization` header, say); never stored. */
  headers?: Record<string, string>
}

/** How long a webhook may take to answer. */
export const POST_TIMEOUT_MS = 10_000

/** `webhook` checked, as a destination; `at` names it in errors. */
export function webhookDestination(webhook: Webhook, at: string): AlertDestination {
  let url: URL
  try {
    url = new URL(webhook?.url)
  } catch {
    throw invalidOption(`${at}.url must be an http(s) URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidOption(`${at}.url must be an http(s) URL`)
  const format = webhook.format ?? 'json'
  if (format !== 'json' && format !== 'slack') throw invalidOption(`${at}.format must be "json" or "slack"`)
  const headers = webhook.headers ?? {}
  if (typeof headers !== 'object' || Object.values(headers).some((value) => typeof value !== 'string')) {
    throw invalidOption(`${at}.headers must map names to texts`)
  }
  return {
    key: destinationKey('webhook', format, url.href),
    name: url.host,
    async send(event) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'user-agent': 'statgraph' },
        body: JSON.stringify(format === 'slack' ? { text: slackText(event) } : event),
        redirect: 'error',
        signal: AbortSignal.timeout(POST_TIMEOUT_MS),
      })
      await response.arrayBuffer().catch(() => undefined)
      if (!response.ok) throw new Error(`the webhook answered ${response.status}`)
    },
  }
}
