import { createHash } from 'node:crypto'
import type { AlertEvent } from './alert-event.js'

/** Where notifications go: a webhook, a list of e-mail addresses. */
export interface AlertDestination {
  /**
   * What the outbox names it by: a hash of what it is, so that its URL, which may hold a secret
   * (Slack's do), is never stored, and the same destination keeps its key across restarts.
   */
  key: string
  /** How logs name it, without secrets: a host. */
  name: string
  /** Delivers `event`; throws unless it was taken. */
  send(event: AlertEvent): Promise<void>
}

/** The key of a destination described by `parts`. */
export function destinationKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32)
}
