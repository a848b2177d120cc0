import { createHash } from 'node:crypto'
import { StatgraphError } from '../errors/statgraph-error.js'
import { parseDuration } from '../core/duration.js'

/**
 * A condition statgraph watches, checked once a minute. Each fires once when it starts to hold and
 * sends "resolved" once when it stops; `name` (default: the rule in words) tells it in messages
 * and must be unique.
 */
export type AlertRule =
  /** The share of responses ≥ 500 over `window` (default `'5m'`) above `above` percent, once `minHits` (default 20) requests came. */
  | { type: 'errorRate'; above: number; window?: string; minHits?: number; name?: string }
  /** The p95 response time over `window` (default `'5m'`) of all traffic, or of one `route` pattern, above `above` ms. */
  | { type: 'p95'; above: number; route?: string; window?: string; minHits?: number; name?: string }
  /** An exception text seen within `window` (default `'1h'`) and not in the `since` (default `'7d'`) before it. */
  | { type: 'newException'; window?: string; since?: string; name?: string }
  /** Requests over `window` (default `'1h'`) below `below` percent of the same time a week earlier, if that had `minHits` (default 100). */
  | { type: 'trafficDrop'; below: number; window?: string; minHits?: number; name?: string }
  /** An app instance stopped sending runtime samples while another goes on (see the `runtime` option). */
  | { type: 'instanceStopped'; name?: string }

/** Where notifications go: a URL taking a POST of JSON, in statgraph's own shape or Slack's. */
export interface Webhook {
  url: string
  /** `'json'` (default): statgraph's event as it is; `'slack'`: `{ text }` for a Slack incoming webhook. */
  format?: 'json' | 'slack'
  /** Sent with each POST (an `Authorization` header, say); never stored. */
  headers?: Record<string, string>
}

/** The `alerts` option. */
export interface AlertsOption {
  rules?: AlertRule[]
  webhooks: Webhook[]
  /** How often the rules are checked. Default `'1m'`. */
  every?: string
  /** How long an instance holds the right to check, unless it renews it; default 3 × `every`. */
  lease?: string
  /** An alert that fired does not fire again for this long, however its condition flaps. Default `'30m'`. */
  cooldown?: string
  /** A summary of the period against the one before, sent every `every` (default `'7d'`, from Monday 00:00 UTC); `false`: none. */
  digest?: { every?: string } | false
}

interface RuleBase {
  name: string
}

/** A rule with its defaults filled in, durations in ms. */
export type ResolvedRule = RuleBase &
  (
    | { type: 'errorRate'; above: number; windowMs: number; minHits: number }
    | { type: 'p95'; above: number; route: string | undefined; windowMs: number; minHits: number }
    | { type: 'newException'; windowMs: number; sinceMs: number }
    | { type: 'trafficDrop'; below: number; windowMs: number; minHits: number }
    | { type: 'instanceStopped' }
  )

/** A webhook with the key notifications name it by. */
export interface ResolvedWebhook extends Required<Omit<Webhook, 'headers'>> {
  headers: Record<string, string>
  key: string
}

/** The `alerts` option checked, with every default. */
export interface AlertSettings {
  rules: ResolvedRule[]
  webhooks: ResolvedWebhook[]
  everyMs: number
  leaseMs: number
  cooldownMs: number
  digestMs: number | undefined
}

const RULE_TYPES = ['errorRate', 'p95', 'newException', 'trafficDrop', 'instanceStopped'] as const

const invalid = (message: string) => new StatgraphError('STATGRAPH_INVALID_OPTION', `statgraph: ${message}`)

/** Checks the `alerts` option once, at setup; undefined: no alerts. */
export function resolveAlerts(option: AlertsOption | undefined): AlertSettings | undefined {
  if (option === undefined) return undefined
  if (typeof option !== 'object' || option === null || !Array.isArray(option.webhooks) || option.webhooks.length === 0) {
    throw invalid('"alerts" must be { rules: [...], webhooks: [{ url }] } with at least one webhook')
  }
  const rules = (option.rules ?? []).map((rule, index) => resolveRule(rule, `"alerts.rules[${index}]"`))
  const names = new Set<string>()
  for (const { name } of rules) {
    if (names.has(name)) throw invalid(`two alert rules are named "${name}"; give one a "name" of its own`)
    names.add(name)
  }
  const everyMs = parseDuration(option.every ?? '1m', '"alerts.every"')
  const digest = option.digest
  if (digest !== undefined && digest !== false && (typeof digest !== 'object' || digest === null))
    throw invalid('"alerts.digest" must be false or { every: \'7d\' }')
  return {
    rules,
    webhooks: option.webhooks.map((webhook, index) => resolveWebhook(webhook, `"alerts.webhooks[${index}]"`)),
    everyMs,
    leaseMs: option.lease === undefined ? 3 * everyMs : parseDuration(option.lease, '"alerts.lease"'),
    cooldownMs: parseDuration(option.cooldown ?? '30m', '"alerts.cooldown"'),
    digestMs: digest === false ? undefined : parseDuration(digest?.every ?? '7d', '"alerts.digest.every"'),
  }
}

function resolveRule(rule: AlertRule, at: string): ResolvedRule {
  if (typeof rule !== 'object' || rule === null || !RULE_TYPES.includes(rule.type)) {
    throw invalid(`${at} must have a "type": ${RULE_TYPES.join(', ')}`)
  }
  const window = (fallback: string) => parseDuration('window' in rule && rule.window !== undefined ? rule.window : fallback, `${at}.window`)
  const minHits = (fallback: number) => count('minHits' in rule ? rule.minHits : undefined, fallback, `${at}.minHits`)
  const named = (words: string) => {
    if (rule.name !== undefined && (typeof rule.name !== 'string' || rule.name.trim() === '' || rule.name.length > 128)) {
      throw invalid(`${at}.name must be a non-empty text of up to 128 characters`)
    }
    return rule.name?.trim() ?? words
  }
  switch (rule.type) {
    case 'errorRate': {
      const above = threshold(rule.above, `${at}.above`, 100)
      const windowMs = window('5m')
      return { type: 'errorRate', above, windowMs, minHits: minHits(20), name: named(`error rate above ${above} % over ${words(windowMs)}`) }
    }
    case 'p95': {
      const above = threshold(rule.above, `${at}.above`, Number.MAX_SAFE_INTEGER)
      const windowMs = window('5m')
      if (rule.route !== undefined && (typeof rule.route !== 'string' || !rule.route.startsWith('/')))
        throw invalid(`${at}.route must be a route pattern such as "/users/:id"`)
      const of = rule.route === undefined ? '' : ` of ${rule.route}`
      return { type: 'p95', above, route: rule.route, windowMs, minHits: minHits(20), name: named(`p95${of} above ${above} ms over ${words(windowMs)}`) }
    }
    case 'newException': {
      const windowMs = window('1h')
      return { type: 'newException', windowMs, sinceMs: parseDuration(rule.since ?? '7d', `${at}.since`), name: named('new exception') }
    }
    case 'trafficDrop': {
      const below = threshold(rule.below, `${at}.below`, 100)
      const windowMs = window('1h')
      return { type: 'trafficDrop', below, windowMs, minHits: minHits(100), name: named(`traffic below ${below} % of a week earlier over ${words(windowMs)}`) }
    }
    case 'instanceStopped':
      return { type: 'instanceStopped', name: named('instance stopped reporting') }
  }
}

function resolveWebhook(webhook: Webhook, at: string): ResolvedWebhook {
  let url: URL
  try {
    url = new URL(webhook?.url)
  } catch {
    throw invalid(`${at}.url must be an http(s) URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(`${at}.url must be an http(s) URL`)
  const format = webhook.format ?? 'json'
  if (format !== 'json' && format !== 'slack') throw invalid(`${at}.format must be "json" or "slack"`)
  const headers = webhook.headers ?? {}
  if (typeof headers !== 'object' || Object.values(headers).some((value) => typeof value !== 'string')) throw invalid(`${at}.headers must map names to texts`)
  // The key stored with each notification: the URL may hold a secret (Slack's do), so a hash of it.
  const key = createHash('sha256').update(`${format} ${url.href}`).digest('hex').slice(0, 32)
  return { url: url.href, format, headers, key }
}

function threshold(value: unknown, at: string, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) throw invalid(`${at} must be a number from 0 to ${max}`)
  return value
}

function count(value: unknown, fallback: number, at: string): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || (value as number) < 1) throw invalid(`${at} must be a whole number from 1`)
  return value as number
}

/** A duration in words, for rule names and messages: "5 min", "1 h", "7 d". */
export function words(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['min', 60_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size} ${unit}`
  }
  return `${ms / 1000} s`
}
