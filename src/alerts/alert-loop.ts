import { randomBytes } from 'node:crypto'
import type { Logger } from '../log/logger.js'
import type { AlertChanges, AlertLine, AlertStore, PendingNotification } from '../store/alert-store.js'
import type { Store } from '../store/store.js'
import type { QueuedEvent } from './alert-event.js'
import type { AlertSettings } from './alerts-option.js'
import { digestOf, digestPeriod } from './digest.js'
import { type Finding, type RuleReads, ruleFindings } from './rule-findings.js'
import { POST_TIMEOUT_MS } from './webhook-destination.js'

/** How long a claimed notification is this instance's to send: past a POST's timeout. */
const CLAIM_MS = 3 * POST_TIMEOUT_MS
/** The longest wait between two attempts of a notification, and when to give it up. */
const MAX_BACKOFF_MS = 3_600_000
const GIVE_UP_MS = 86_400_000
/** Notifications one round delivers at most. */
const ROUND = 100

const alertId = (rule: string, key: string) => `${rule}\u0000${key}`

/**
 * Checks the alert rules every `everyMs` on the one instance that holds the lease, and delivers the
 * notifications. Any instance may hold it; when its holder dies, another takes it once it expires.
 * State lives in the database: what fired, what was sent, so that no instance sends a notification
 * another queued, and an alert that keeps holding fires once.
 */
export class AlertLoop {
  readonly #settings: AlertSettings
  readonly #alerts: AlertStore
  readonly #reads: RuleReads & Pick<Store, 'releases'>
  readonly #stoppedAfter: number | undefined
  readonly #logger: Logger
  /** This process as the lease's holder: its instance name and a random part, in case two share a name. */
  readonly #holder: string
  #timer: ReturnType<typeof setInterval> | undefined
  #running: Promise<void> | undefined
  #failing = false

  constructor(options: {
    settings: AlertSettings
    alerts: AlertStore
    reads: RuleReads & Pick<Store, 'releases'>
    instance: string
    stoppedAfter: number | undefined
    logger: Logger
  }) {
    this.#settings = options.settings
    this.#alerts = options.alerts
    this.#reads = options.reads
    this.#stoppedAfter = options.stoppedAfter
    this.#logger = options.logger
    this.#holder = `${options.instance.slice(0, 48)}:${randomBytes(6).toString('base64url')}`
  }

  /** Checks every `every`, on an unref'd timer: it never keeps the process alive. */
  start(): void {
    this.#timer = setInterval(() => void this.tick(), this.#settings.everyMs).unref()
  }

  /** Stops checking; resolves once a round under way has ended. */
  async stop(): Promise<void> {
    clearInterval(this.#timer)
    await this.#running
  }

  /** One round at instant `now`: takes or renews the lease, then, holding it, checks the rules and delivers. Never throws. */
  tick(now = Date.now()): Promise<void> {
    this.#running ??= this.#round(now).finally(() => {
      this.#running = undefined
    })
    return this.#running
  }

  async #round(now: number): Promise<void> {
    try {
      if (!(await this.#alerts.lease(this.#holder, now, this.#settings.leaseMs))) return
      await this.#evaluate(now)
      await this.#deliver(now)
      if (this.#failing) this.#logger.info('statgraph: alerting works again')
      this.#failing = false
    } catch (error) {
      if (!this.#failing) this.#logger.warn(`statgraph: checking alerts failed (${String(error)}); will try again`)
      this.#failing = true
    }
  }

  async #evaluate(now: number): Promise<void> {
    const { rules, destinations, cooldownMs, leaseMs, digestMs } = this.#settings
    const [findings, firing, recent] = await Promise.all([
      ruleFindings(rules, this.#reads, now, this.#stoppedAfter),
      this.#alerts.firing(),
      this.#alerts.firedSince(now - cooldownMs, 10_000),
    ])
    // One per rule and key: two exception texts alike in their first 255 characters are one alert.
    const found = [...new Map(findings.map((finding) => [alertId(finding.rule, finding.key), finding])).values()]
    const open = new Set(firing.map((alert) => alertId(alert.rule, alert.key)))
    const cooling = new Set(recent.map((alert) => alertId(alert.rule, alert.key)))
    const holding = new Set(found.map((finding) => alertId(finding.rule, finding.key)))
    const opened = found.filter((finding) => !open.has(alertId(finding.rule, finding.key)) && !cooling.has(alertId(finding.rule, finding.key)))
    // An alert of a rule taken out of the options resolves too.
    const resolved = firing.filter((alert) => !holding.has(alertId(alert.rule, alert.key)))
    const events: QueuedEvent[] = [...opened.map((finding) => firingEvent(finding, now)), ...resolved.map((alert) => resolvedEvent(alert, now))]
    const changes: AlertChanges = { opened, resolved, notifications: [] }
    if (digestMs !== undefined) {
      const period = digestPeriod(now, digestMs)
      if (!(await this.#alerts.digestSent(period.from))) {
        const digest = await digestOf(this.#reads, period.from, period.to)
        // A period without a request says nothing worth a message (a new install's first week).
        if (digest.current.hits > 0 || digest.previous.hits > 0) events.push({ event: 'digest', digest })
        changes.digest = period.from
      }
    }
    if (events.length === 0 && changes.digest === undefined) return
    changes.notifications = events.flatMap((event) => destinations.map((destination) => ({ destination: destination.key, body: JSON.stringify(event) })))
    await this.#alerts.apply(this.#holder, now, leaseMs, changes)
  }

  /** Sends what is queued, each destination's notifications in the order they were queued: one that fails waits for its next turn. */
  async #deliver(now: number): Promise<void> {
    const stalled = new Set<string>()
    for (const notification of await this.#alerts.pending(ROUND)) {
      if (stalled.has(notification.destination)) continue
      const destination = this.#settings.destinations.find((candidate) => candidate.key === notification.destination)
      if (destination === undefined) {
        await this.#alerts.settle(notification.id, { error: 'the destination is no longer in the alerts option', retryAt: null })
        continue
      }
      // Waiting out its backoff, or claimed by this instance; a claim of another holder is void
      // now that this one holds the lease (that holder died mid-attempt, or paused past its lease).
      const waiting = notification.nextAt > now && (notification.claimedBy === null || notification.claimedBy === this.#holder)
      if (waiting || !(await this.#alerts.claim(notification, this.#holder, now + CLAIM_MS))) {
        stalled.add(notification.destination)
        continue
      }
      try {
        await destination.send({ id: `statgraph-${notification.id}`, ...(JSON.parse(notification.body) as QueuedEvent) })
        await this.#alerts.settle(notification.id, { delivered: now })
      } catch (error) {
        stalled.add(notification.destination)
        await this.#alerts.settle(notification.id, { error: String(error), retryAt: retryAt(notification, now, this.#settings.everyMs) })
        this.#logger.warn(`statgraph: delivering an alert to ${destination.name} failed (${String(error)}); will retry`)
      }
    }
  }
}

function firingEvent(finding: Finding, now: number): QueuedEvent {
  return { event: 'firing', rule: finding.rule, key: finding.key, summary: finding.summary, value: finding.value, firedAt: new Date(now).toISOString() }
}

function resolvedEvent(alert: AlertLine, now: number): QueuedEvent {
  return {
    event: 'resolved',
    rule: alert.rule,
    key: alert.key,
    summary: alert.summary,
    value: alert.value,
    firedAt: alert.firedAt,
    resolvedAt: new Date(now).toISOString(),
  }
}

/** When to try `notification` again after a failed attempt: `every`, doubling, an hour at most; never after a day. */
function retryAt(notification: PendingNotification, now: number, everyMs: number): number | null {
  if (now - notification.createdAt > GIVE_UP_MS) return null
  return now + Math.min(MAX_BACKOFF_MS, everyMs * 2 ** notification.attempts)
}
