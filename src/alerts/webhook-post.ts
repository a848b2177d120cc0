import type { AlertEvent } from './alert-event.js'
import { slackText } from './alert-event.js'
import type { ResolvedWebhook } from './alerts-option.js'

/** How long a webhook may take to answer. */
export const POST_TIMEOUT_MS = 10_000

/** POSTs `event` to `webhook` in its format; throws unless it answers 2xx. */
export async function postEvent(webhook: ResolvedWebhook, event: AlertEvent): Promise<void> {
  const body = webhook.format === 'slack' ? { text: slackText(event) } : event
  const response = await fetch(webhook.url, {
    method: 'POST',
    headers: { ...webhook.headers, 'content-type': 'application/json', 'user-agent': 'statgraph' },
    body: JSON.stringify(body),
    redirect: 'error',
    signal: AbortSignal.timeout(POST_TIMEOUT_MS),
  })
  await response.arrayBuffer().catch(() => undefined)
  if (!response.ok) throw new Error(`the webhook answered ${response.status}`)
}
