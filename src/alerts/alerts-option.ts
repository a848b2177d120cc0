import { parseDuration } from '../core/duration.js'
import { invalidOption } from '../errors/statgraph-error.js'
import type { AlertDestination } from './alert-destination.js'
import { type AlertRule, type ResolvedRule, resolveRule } from './alert-rule.js'
import { type EmailOption, emailDestination } from './email-destination.js'
import { type Webhook, webhookDestination } from './webhook-destination.js'

/** The `alerts` option: the rules, where notifications go, and how often. */
export interface AlertsOption {
  rules?: AlertRule[]
  webhooks?: Webhook[]
  /** E-mail over SMTP (needs the nodemailer package). */
  email?: EmailOption
  /** How often the rules are checked. Default `'1m'`. */
  every?: string
  /** How long an instance holds the right to check, unless it renews it; default 3 × `every`. */
  lease?: string
  /** An alert that fired does not fire again for this long, however its condition flaps. Default `'30m'`. */
  cooldown?: string
  /** A summary of the period against the one before, sent every `every` (default `'7d'`, from Monday 00:00 UTC); `false`: none. */
  digest?: { every?: string } | false
}

/** The `alerts` option checked, with every default. */
export interface AlertSettings {
  rules: ResolvedRule[]
  destinations: AlertDestination[]
  everyMs: number
  leaseMs: number
  cooldownMs: number
  digestMs: number | undefined
}

/** Checks the `alerts` option once, at setup; undefined: no alerts. */
export function resolveAlerts(option: AlertsOption | undefined): AlertSettings | undefined {
  if (option === undefined) return undefined
  if (typeof option !== 'object' || option === null || (option.webhooks !== undefined && !Array.isArray(option.webhooks))) {
    throw invalidOption('"alerts" must be { rules: [...], webhooks: [{ url }] } and/or email: { smtp, from, to }')
  }
  const destinations = [
    ...(option.webhooks ?? []).map((webhook, index) => webhookDestination(webhook, `"alerts.webhooks[${index}]"`)),
    ...(option.email === undefined ? [] : [emailDestination(option.email, '"alerts.email"')]),
  ]
  if (destinations.length === 0) throw invalidOption('"alerts" needs somewhere to send: at least one of webhooks: [{ url }] or email: { smtp, from, to }')
  const rules = (option.rules ?? []).map((rule, index) => resolveRule(rule, `"alerts.rules[${index}]"`))
  const names = new Set<string>()
  for (const { name } of rules) {
    if (names.has(name)) throw invalidOption(`two alert rules are named "${name}"; give one a "name" of its own`)
    names.add(name)
  }
  const everyMs = parseDuration(option.every ?? '1m', '"alerts.every"')
  const digest = option.digest
  if (digest !== undefined && digest !== false && (typeof digest !== 'object' || digest === null))
    throw invalidOption('"alerts.digest" must be false or { every: \'7d\' }')
  return {
    rules,
    destinations,
    everyMs,
    leaseMs: option.lease === undefined ? 3 * everyMs : parseDuration(option.lease, '"alerts.lease"'),
    cooldownMs: parseDuration(option.cooldown ?? '30m', '"alerts.cooldown"'),
    digestMs: digest === false ? undefined : parseDuration(digest?.every ?? '7d', '"alerts.digest.every"'),
  }
}
