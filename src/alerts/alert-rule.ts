import { parseDuration } from '../core/duration.js'
import { invalidOption } from '../errors/statgraph-error.js'

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

const RULE_TYPES = ['errorRate', 'p95', 'newException', 'trafficDrop', 'instanceStopped'] as const

/** Checks one rule of the `alerts` option; `at` names it in errors. */
export function resolveRule(rule: AlertRule, at: string): ResolvedRule {
  if (typeof rule !== 'object' || rule === null || !RULE_TYPES.includes(rule.type)) {
    throw invalidOption(`${at} must have a "type": ${RULE_TYPES.join(', ')}`)
  }
  const window = (fallback: string) => parseDuration('window' in rule && rule.window !== undefined ? rule.window : fallback, `${at}.window`)
  const minHits = (fallback: number) => count('minHits' in rule ? rule.minHits : undefined, fallback, `${at}.minHits`)
  const named = (words: string) => {
    if (rule.name !== undefined && (typeof rule.name !== 'string' || rule.name.trim() === '' || rule.name.length > 128)) {
      throw invalidOption(`${at}.name must be a non-empty text of up to 128 characters`)
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
        throw invalidOption(`${at}.route must be a route pattern such as "/users/:id"`)
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

function threshold(value: unknown, at: string, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) throw invalidOption(`${at} must be a number from 0 to ${max}`)
  return value
}

function count(value: unknown, fallback: number, at: string): number {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || (value as number) < 1) throw invalidOption(`${at} must be a whole number from 1`)
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
