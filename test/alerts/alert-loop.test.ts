import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AlertLoop } from '../../src/alerts/alert-loop.js'
import type { AlertEvent } from '../../src/alerts/alert-event.js'
import { type AlertsOption, resolveAlerts } from '../../src/alerts/alerts-option.js'
import { createDashboard } from '../../src/dashboard/dashboard.js'
import type { Logger } from '../../src/log/logger.js'
import type { RequestRecord } from '../../src/record/request-record.js'
import type { Stats } from '../../src/stats/answer/stats.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { record } from '../helpers/records.js'
import { tempDir } from '../helpers/temp-dir.js'
import { type WebhookReceiver, webhookReceiver } from '../helpers/webhook-receiver.js'
import { smtpReceiver } from '../helpers/smtp-receiver.js'

const dir = tempDir()
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const WEEK = 7 * 24 * HOUR
// A round minute in the past: the rules read the requests before it.
const NOW = Math.floor((Date.now() - 2 * WEEK) / HOUR) * HOUR + 30 * MINUTE
const quiet: Logger = { error: () => {}, warn: () => {}, info: () => {} }

const cleanup: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

async function setup(option: Omit<AlertsOption, 'webhooks' | 'email'>, more: Pick<AlertsOption, 'webhooks' | 'email'> = {}) {
  const receiver = await webhookReceiver()
  const database = join(dir, `alerts-${Math.random().toString(36).slice(2)}.db`)
  const stores: SqliteStore[] = []
  cleanup.push(async () => {
    await receiver.close()
    for (const store of stores) await store.close()
  })
  const settings = resolveAlerts({
    ...option,
    webhooks: [{ url: receiver.url }, ...(more.webhooks ?? [])],
    ...(more.email === undefined ? {} : { email: more.email }),
  })
  if (settings === undefined) throw new Error('expected settings')
  /** An instance of the app: a store on the shared file and a loop of its own. */
  const instance = (name: string) => {
    const store = new SqliteStore({ database })
    stores.push(store)
    return { store, loop: new AlertLoop({ settings, alerts: store.alerts(), reads: store, instance: name, stoppedAfter: 30_000, logger: quiet }) }
  }
  return { receiver, instance, settings }
}

/** `count` requests `minutesBefore` minutes before `at`, one a second. */
function requests(count: number, at: number, minutesBefore: number, overrides: Partial<RequestRecord> = {}): RequestRecord[] {
  return Array.from({ length: count }, (_, i) => record({ date: at - minutesBefore * MINUTE + i * 1000, ...overrides }))
}

const events = (receiver: WebhookReceiver) => receiver.received as AlertEvent[]
const named = (receiver: WebhookReceiver) =>
  events(receiver).map((event) => (event.event === 'digest' ? 'digest' : `${event.event}: ${event.rule}${event.key === '' ? '' : ` [${event.key}]`}`))

describe('alert loop', () => {
  it('fires each alert once while it holds, sends resolved once when it stops, and keeps quiet through the cool-down', async () => {
    const { receiver, instance } = await setup({
      rules: [
        { type: 'errorRate', above: 10, window: '5m', minHits: 10, name: 'errors' },
        { type: 'p95', above: 100, route: '/slow/:n', window: '5m', minHits: 5, name: 'slow' },
        { type: 'newException', window: '1h', name: 'new exception' },
        { type: 'trafficDrop', below: 50, window: '1h', minHits: 20, name: 'traffic' },
        { type: 'instanceStopped', name: 'stopped' },
      ],
      digest: false,
    })
    const { store, loop } = instance('web-1')
    await store.insertBatch([
      // The last five minutes: 40 requests, 10 of them failing with a new exception; a slow route.
      ...requests(30, NOW, 4),
      ...requests(10, NOW, 3, { status_code: 500, exception: 'TypeError: boom <b>' }),
      ...requests(8, NOW, 2, { path: '/slow/1', route: '/slow/:n', response_time: 300 }),
      // An exception seen three days before is not new.
      ...requests(1, NOW, 3 * 24 * 60, { status_code: 500, exception: 'RangeError: old' }),
      ...requests(1, NOW, 2, { status_code: 500, exception: 'RangeError: old' }),
      // A week earlier the same hour had 200 requests: 50 now is a drop to 25 %.
      ...requests(200, NOW - WEEK, 20),
    ])
    // web-1 samples its runtime every 10 s throughout; web-2 stopped five minutes before.
    const sample = { loopP50: 1, loopP99: 2, heapUsed: 1, rss: 1, cpu: 1 }
    await store.insertRuntime([
      ...Array.from({ length: 250 }, (_, i) => ({ instance: 'web-1', at: NOW - 10_000 + i * 10_000, ...sample })),
      { instance: 'web-2', at: NOW - 5 * MINUTE, ...sample },
    ])

    await loop.tick(NOW)
    expect(named(receiver).sort()).toEqual([
      'firing: errors',
      'firing: new exception [TypeError: boom <b>]',
      'firing: slow [/slow/:n]',
      'firing: stopped [web-2]',
      'firing: traffic',
    ])
    const errors = events(receiver).find((event) => event.event === 'firing' && event.rule === 'errors')
    expect(errors).toMatchObject({ summary: 'error rate 22.4 % over 5 min (11 of 49 requests)', value: 22.4, firedAt: new Date(NOW).toISOString() })
    expect(new Set(events(receiver).map((event) => event.id)).size).toBe(5)

    // Still holding a minute later: nothing more.
    await loop.tick(NOW + MINUTE)
    expect(named(receiver).slice(5)).toEqual([])

    // Ten minutes on, the five-minute windows are empty: those two resolve, once.
    await loop.tick(NOW + 10 * MINUTE)
    await loop.tick(NOW + 11 * MINUTE)
    expect(named(receiver).slice(5).sort()).toEqual(['resolved: errors', 'resolved: slow [/slow/:n]'])

    // Errors again within the cool-down (30 min from firing): no message; after it, one.
    await store.insertBatch(requests(20, NOW + 12 * MINUTE, 1, { status_code: 503 }))
    await loop.tick(NOW + 12 * MINUTE)
    expect(named(receiver).slice(7)).toEqual([])
    await store.insertBatch(requests(20, NOW + 31 * MINUTE, 1, { status_code: 503 }))
    await loop.tick(NOW + 31 * MINUTE)
    expect(named(receiver).slice(7)).toEqual(['firing: errors'])
    expect((await store.alerts().firing()).map((line) => line.rule).sort()).toEqual(['errors', 'new exception', 'stopped', 'traffic'])
  })

  it('sends nothing from an instance without the lease, and another takes over once it expires, without a duplicate', async () => {
    const { receiver, instance } = await setup({ rules: [{ type: 'errorRate', above: 10, window: '5m', minHits: 10 }], lease: '3m', digest: false })
    const a = instance('web-1')
    const b = instance('web-2')
    await a.store.insertBatch(requests(20, NOW, 3, { status_code: 500 }))
    await a.loop.tick(NOW)
    await b.loop.tick(NOW + 1000)
    await a.loop.tick(NOW + MINUTE)
    await b.loop.tick(NOW + MINUTE + 1000)
    expect(named(receiver)).toEqual(['firing: error rate above 10 % over 5 min'])
    // web-1 stops ticking (its process died); its lease runs out three minutes after its last renewal.
    await b.loop.tick(NOW + 3 * MINUTE + 1000)
    expect(receiver.received).toHaveLength(1)
    await b.loop.tick(NOW + 4 * MINUTE + 1000)
    await b.loop.tick(NOW + 10 * MINUTE)
    expect(named(receiver)).toEqual(['firing: error rate above 10 % over 5 min', 'resolved: error rate above 10 % over 5 min'])
  })

  it('sends at once what a holder that died mid-attempt had claimed, once its lease is taken over', async () => {
    const { receiver, instance, settings } = await setup({ rules: [], lease: '3s', every: '1s', digest: false })
    const { store, loop } = instance('web-2')
    // Another instance queued a notification, claimed it for 30 s, and died before it was sent.
    const alerts = store.alerts()
    const body = JSON.stringify({ event: 'firing', rule: 'errors', key: '', summary: 'error rate 50 %', value: 50, firedAt: new Date(NOW).toISOString() })
    expect(await alerts.lease('web-1:dead', NOW, 3000)).toBe(true)
    expect(
      await alerts.apply('web-1:dead', NOW, 3000, {
        opened: [],
        resolved: [],
        notifications: [{ destination: settings.destinations[0]?.key as string, body }],
      }),
    ).toBe(true)
    const [queued] = await alerts.pending(1)
    expect(await alerts.claim(queued as NonNullable<typeof queued>, 'web-1:dead', NOW + 30_000)).toBe(true)
    // While its lease runs, nothing; the round that takes the lease over sends it, not when the claim ends.
    await loop.tick(NOW + 1000)
    expect(receiver.received).toEqual([])
    await loop.tick(NOW + 4000)
    expect(named(receiver)).toEqual(['firing: errors'])
    await loop.tick(NOW + 5000)
    await loop.tick(NOW + 40_000)
    expect(receiver.received).toHaveLength(1)
  })

  it('keeps a notification while the webhook is down and delivers it, once and in order, when it is back', async () => {
    const { receiver, instance } = await setup({ rules: [{ type: 'errorRate', above: 10, window: '5m', minHits: 10, name: 'errors' }], digest: false })
    const { store, loop } = instance('web-1')
    await store.insertBatch(requests(20, NOW, 3, { status_code: 500 }))
    await receiver.down()
    await loop.tick(NOW)
    await loop.tick(NOW + 10 * MINUTE)
    await loop.tick(NOW + 11 * MINUTE)
    expect(receiver.received).toHaveLength(0)
    await receiver.up()
    await loop.tick(NOW + 11 * MINUTE + 1000)
    // The first retry waits a minute, the next two: both go once the first is due, firing first.
    await loop.tick(NOW + 30 * MINUTE)
    await loop.tick(NOW + 31 * MINUTE)
    expect(named(receiver)).toEqual(['firing: errors', 'resolved: errors'])
    expect(await store.alerts().pending(10)).toEqual([])
  })

  it('writes Slack’s text with what strangers wrote escaped', async () => {
    const slack = await webhookReceiver()
    cleanup.push(() => slack.close())
    const { instance } = await setup(
      { rules: [{ type: 'newException', name: 'new exception' }], digest: false },
      { webhooks: [{ url: slack.url, format: 'slack' }] },
    )
    const { store, loop } = instance('web-1')
    await store.insertBatch(requests(1, NOW, 3, { status_code: 500, exception: 'Error: <!channel> & <script>' }))
    await loop.tick(NOW)
    expect(slack.received).toEqual([{ text: ':rotating_light: *new exception*\nnew exception "Error: &lt;!channel&gt; &amp; &lt;script&gt;" ×1 at /' }])
  })

  it('sends each alert by e-mail once too, over SMTP with credentials, its subject the rule', async () => {
    const mail = await smtpReceiver()
    cleanup.push(() => mail.close())
    const email = { smtp: mail.url, from: 'statgraph@example.com', to: ['ops@example.com', 'dev@example.com'] }
    const { receiver, instance } = await setup(
      { rules: [{ type: 'errorRate', above: 10, window: '5m', minHits: 10, name: 'errors' }], digest: false },
      { email },
    )
    const { store, loop } = instance('web-1')
    await store.insertBatch(requests(20, NOW, 3, { status_code: 500 }))
    await loop.tick(NOW)
    await loop.tick(NOW + MINUTE)
    await loop.tick(NOW + 10 * MINUTE)
    expect(mail.received.map(({ from, to, subject }) => ({ from, to, subject }))).toEqual([
      { from: 'statgraph@example.com', to: ['ops@example.com', 'dev@example.com'], subject: 'Firing: errors' },
      { from: 'statgraph@example.com', to: ['ops@example.com', 'dev@example.com'], subject: 'Resolved: errors' },
    ])
    expect(mail.received[0]?.text).toContain('error rate 100 % over 5 min (20 of 20 requests)')
    // The same notification ids as the webhook's events, each its own.
    expect(mail.received.map((message) => message.eventId)).toHaveLength(2)
    expect(new Set([...mail.received.map((message) => message.eventId), ...events(receiver).map((event) => event.id)]).size).toBe(4)
  })

  it('sends the digest of each period once, its figures those the API answers for the period', async () => {
    const { receiver, instance } = await setup({ rules: [], digest: { every: '1d' } })
    const { store, loop } = instance('web-1')
    const today = Math.floor(NOW / (24 * HOUR)) * 24 * HOUR
    await store.insertBatch([
      ...requests(120, today, 20 * 60, { path: '/users/1', route: '/users/:id', response_time: 40 }),
      ...requests(30, today, 10 * 60, { path: '/pay', route: '/pay', status_code: 500, exception: 'Error: card declined', response_time: 900 }),
      ...requests(80, today, 30 * 60, { path: '/users/2', route: '/users/:id', response_time: 20, version: '1.0.0' }),
      ...requests(10, today, 2 * 60, { version: '1.1.0' }),
    ])
    await loop.tick(NOW)
    await loop.tick(NOW + HOUR)
    expect(named(receiver)).toEqual(['digest'])
    const digest = events(receiver)[0] as Extract<AlertEvent, { event: 'digest' }>
    expect(digest.digest.from).toBe(new Date(today - 24 * HOUR).toISOString())
    expect(digest.digest.to).toBe(new Date(today).toISOString())

    const dashboard = createDashboard({ store, prefix: '/statistics', defaultDateSpan: 7, access: 'open' })
    const api = async (from: string, to: string) =>
      (await (await dashboard(new Request(`http://localhost/statistics/api/stats?from=${from}&to=${to}`))).json()) as Stats
    const figures = (stats: Stats) => ({
      hits: stats.hits,
      uniqueHits: stats.uniqueHits,
      errors: stats.errors,
      errorRate: Math.round((1000 * stats.errors) / Math.max(1, stats.hits)) / 10,
      p50ResponseTime: stats.responseTime.p50,
      p95ResponseTime: stats.responseTime.p95,
      p99ResponseTime: stats.responseTime.p99,
    })
    const current = await api(digest.digest.from, digest.digest.to)
    expect(digest.digest.current).toEqual(figures(current))
    expect(digest.digest.current.hits).toBe(160)
    expect(digest.digest.previous).toEqual(figures(await api(new Date(today - 48 * HOUR).toISOString(), digest.digest.from)))
    expect(digest.digest.previous.hits).toBe(80)
    expect(digest.digest.slowestRoutes).toEqual(
      current.routes
        .filter((line) => line.key !== null && line.count >= 10 && line.p95ResponseTime !== null)
        .map((line) => ({ route: line.key, hits: line.count, p95ResponseTime: line.p95ResponseTime }))
        .sort((x, y) => (y.p95ResponseTime as number) - (x.p95ResponseTime as number)),
    )
    expect(digest.digest.slowestRoutes.map((line) => line.route)).toEqual(['/pay', '/users/:id'])
    expect(digest.digest.failingRoutes).toEqual([{ route: '/pay', hits: 30, errors: 30, errorRate: 100 }])
    expect(digest.digest.newExceptions).toEqual([{ text: 'Error: card declined', count: 30, where: '/pay' }])
    expect(digest.digest.releases.map((release) => release.version)).toEqual(['1.1.0'])
  })
})
