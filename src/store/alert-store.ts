/** One alert: a rule's condition that held from `firedAt` (and stopped holding at `resolvedAt`). */
export interface AlertLine {
  /** The rule's name (see the `alerts.rules` option). */
  rule: string
  /** What the rule fired for: `''` for the whole app, else a route, an exception text, an instance. */
  key: string
  /** What was seen, in words: "error rate 12.5 % over 5 min (50 of 400 requests)". */
  summary: string
  /** The figure that crossed the threshold (percent, ms), if the rule has one. */
  value: number | null
  /** ISO 8601 instants. */
  firedAt: string
  resolvedAt: string | null
}

/** A notification waiting to be delivered to one destination (a webhook, an e-mail address list). */
export interface PendingNotification {
  id: number
  /** The destination's key (see `AlertDestination`): a hash, as its URL may hold a secret. */
  destination: string
  /** The event, JSON (see `AlertEvent`). */
  body: string
  attempts: number
  /** When it may be tried next, ms; claiming it moves this on. */
  nextAt: number
  /** The lease holder whose attempt is under way (see {@link AlertStore.claim}), if any. */
  claimedBy: string | null
  createdAt: number
}

/** What one evaluation changes, written at once by the lease holder. */
export interface AlertChanges {
  opened: { rule: string; key: string; summary: string; value: number | null }[]
  resolved: { rule: string; key: string }[]
  /** Queued for delivery, each to one destination. */
  notifications: { destination: string; body: string }[]
  /** The start of the digest period this evaluation sends the digest of, ms. */
  digest?: number
}

/**
 * Alert state shared by every instance of the app: the lease that picks the one instance that
 * evaluates, the alerts (firing and past), and the outbox of notifications.
 */
export interface AlertStore {
  /** Takes the lease for `holder` until `now + ms`, or renews it; whether `holder` holds it. */
  lease(holder: string, now: number, ms: number): Promise<boolean>
  /**
   * Writes `changes` at instant `now` in one transaction, if `holder` still holds the lease (which
   * it renews); whether it did. An instance that lost the lease meanwhile writes nothing.
   */
  apply(holder: string, now: number, ms: number, changes: AlertChanges): Promise<boolean>
  /** The alerts firing now, the oldest first. */
  firing(): Promise<AlertLine[]>
  /** The alerts that fired at or after `since` (ms), the newest first, `limit` at most. */
  firedSince(since: number, limit: number): Promise<AlertLine[]>
  /** Whether the digest of the period starting at `start` (ms) was sent. */
  digestSent(start: number): Promise<boolean>
  /** Notifications neither delivered nor given up, the oldest first, `limit` at most. */
  pending(limit: number): Promise<PendingNotification[]>
  /**
   * Claims `notification` for one attempt by lease holder `holder`, until `until` (ms): whether it
   * got it (no other instance claimed it since it was read).
   */
  claim(notification: PendingNotification, holder: string, until: number): Promise<boolean>
  /** Records an attempt's outcome: delivered, to try again at `retryAt`, or given up. */
  settle(id: number, outcome: { delivered: number } | { error: string; retryAt: number | null }): Promise<void>
}
