import type { StoreStats } from '../stats/answer/stats.js'
import { utcDayOf } from '../stats/time/utc-day.js'
import { stoppedInstances } from '../stats/runtime/stopped-instances.js'
import type { Store } from '../store/store.js'
import { type ResolvedRule, words } from './alert-rule.js'

/** A rule's condition holding for `key` (`''`: the whole app), now. */
export interface Finding {
  rule: string
  key: string
  summary: string
  value: number | null
}

/** The reads rules take: the dashboard's (on SQLite, its reader thread's). */
export type RuleReads = Pick<Store, 'stats' | 'runtime'>

const WEEK_MS = 7 * 86_400_000
/** Longest key kept (a column of 255 characters): an exception text longer is told by its start. */
const MAX_KEY = 255

/**
 * What holds now, rule by rule: each reads the stats of its window — from the rollups, and raw
 * rows only for parts of an hour — once per distinct range however many rules share it.
 */
export async function ruleFindings(rules: readonly ResolvedRule[], reads: RuleReads, now: number, stoppedAfter: number | undefined): Promise<Finding[]> {
  const ranges = new Map<string, Promise<StoreStats>>()
  const stats = (from: number, to: number) => {
    const key = `${from}-${to}`
    let answer = ranges.get(key)
    if (answer === undefined) {
      answer = reads.stats({ range: { from, to, start: utcDayOf(from), end: utcDayOf(to - 1) }, filters: {}, top: 1000, bucket: 'hour' })
      ranges.set(key, answer)
    }
    return answer
  }
  const found = await Promise.all(rules.map((rule) => findings(rule, stats, reads, now, stoppedAfter)))
  return found.flat()
}

async function findings(
  rule: ResolvedRule,
  stats: (from: number, to: number) => Promise<StoreStats>,
  reads: RuleReads,
  now: number,
  stoppedAfter: number | undefined,
): Promise<Finding[]> {
  const finding = (key: string, summary: string, value: number | null): Finding[] => [{ rule: rule.name, key: key.slice(0, MAX_KEY), summary, value }]
  switch (rule.type) {
    case 'errorRate': {
      const { hits, errors } = await stats(now - rule.windowMs, now)
      const rate = hits === 0 ? 0 : (100 * errors) / hits
      if (hits < rule.minHits || rate <= rule.above) return []
      return finding('', `error rate ${round(rate)} % over ${words(rule.windowMs)} (${errors} of ${hits} requests)`, round(rate))
    }
    case 'p95': {
      const answer = await stats(now - rule.windowMs, now)
      const line =
        rule.route === undefined
          ? { count: answer.hits, p95: answer.responseTime.p95 }
          : [...answer.routes, ...answer.paths]
              .filter((entry) => entry.key === rule.route && entry.p95ResponseTime !== null)
              .map((entry) => ({ count: entry.count, p95: entry.p95ResponseTime }))[0]
      if (line === undefined || line.p95 === null || line.count < rule.minHits || line.p95 <= rule.above) return []
      const of = rule.route === undefined ? '' : ` of ${rule.route}`
      return finding(rule.route ?? '', `p95${of} ${round(line.p95)} ms over ${words(rule.windowMs)} (${line.count} requests)`, round(line.p95))
    }
    case 'newException': {
      const [recent, before] = await Promise.all([stats(now - rule.windowMs, now), stats(now - rule.windowMs - rule.sinceMs, now - rule.windowMs)])
      const known = new Set(before.exceptions.map((entry) => entry.key))
      return recent.exceptions
        .filter((entry) => !known.has(entry.key))
        .flatMap((entry) => finding(entry.key, `new exception "${entry.key}" ×${entry.count}${entry.where === null ? '' : ` at ${entry.where}`}`, entry.count))
    }
    case 'trafficDrop': {
      const [recent, weekEarlier] = await Promise.all([stats(now - rule.windowMs, now), stats(now - rule.windowMs - WEEK_MS, now - WEEK_MS)])
      const share = weekEarlier.hits === 0 ? 100 : (100 * recent.hits) / weekEarlier.hits
      if (weekEarlier.hits < rule.minHits || share >= rule.below) return []
      return finding(
        '',
        `traffic ${round(share)} % of a week earlier over ${words(rule.windowMs)} (${recent.hits} against ${weekEarlier.hits} requests)`,
        round(share),
      )
    }
    case 'instanceStopped': {
      if (stoppedAfter === undefined) return []
      const { lastSamples } = await reads.runtime(now, now, 1)
      return [...stoppedInstances(lastSamples, now, stoppedAfter)].flatMap((instance) => finding(instance, `instance ${instance} stopped reporting`, null))
    }
  }
}

const round = (value: number) => Math.round(value * 10) / 10
