import { afterEach, describe, expect, it } from 'vitest'
import type { AlertChanges } from '../../src/store/alert-store.js'
import type { KyselyStore } from '../../src/store/kysely/kysely-store.js'
import type { StoreEngine } from './store-conformance.js'

const T0 = Date.UTC(2026, 5, 1, 12)
const none: AlertChanges = { opened: [], resolved: [], notifications: [] }
const alert = (rule: string, key = '') => ({ rule, key, summary: `${rule} ${key}`, value: 12.5 })

/**
 * The promises every engine's alert store keeps: one lease holder, writes fenced by it, each
 * notification claimed once. Run within the store conformance suite, which ends the engine.
 */
export function describeAlertStoreConformance(e: StoreEngine): void {
  describe('alert store', () => {
    const opened: KyselyStore[] = []
    const tables = new Set<string>()
    let tableNumber = 0
    // Instances of one app: store objects on one table.
    const instances = (count: number) => {
      const table = `sg_alert_${process.pid}_${++tableNumber}`
      tables.add(table)
      return Array.from({ length: count }, () => {
        const store = e.open(table)
        opened.push(store)
        return store.alerts()
      })
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()))
      for (const table of tables) await e.dropTable(table)
      tables.clear()
    })
    it('lets one instance hold the lease, another take it once expired, and fences out the one that lost it', async () => {
      const [a, b] = instances(2) as [ReturnType<KyselyStore['alerts']>, ReturnType<KyselyStore['alerts']>]
      expect(await a.lease('A', T0, 1000)).toBe(true)
      expect(await b.lease('B', T0 + 10, 1000)).toBe(false)
      expect(await a.lease('A', T0 + 500, 1000)).toBe(true)
      // Renewed until T0 + 1500.
      expect(await b.lease('B', T0 + 1200, 1000)).toBe(false)
      expect(await b.lease('B', T0 + 1600, 1000)).toBe(true)
      expect(await a.apply('A', T0 + 1700, 1000, { ...none, opened: [alert('late')] })).toBe(false)
      expect(await a.lease('A', T0 + 1700, 1000)).toBe(false)
      expect(await b.apply('B', T0 + 1700, 1000, { ...none, opened: [alert('errors')] })).toBe(true)
      expect((await a.firing()).map((line) => line.rule)).toEqual(['errors'])
    })

    it('gives an expired lease to exactly one of many instances taking it at once', async () => {
      const stores = instances(6)
      const taken = await Promise.all(stores.map((store, i) => store.lease(`holder-${i}`, T0, 1000)))
      expect(taken.filter(Boolean)).toHaveLength(1)
      const later = await Promise.all(stores.map((store, i) => store.lease(`holder-${i}`, T0 + 5000, 1000)))
      expect(later.filter(Boolean)).toHaveLength(1)
    })

    it('opens, resolves and lists alerts, and sends a period’s digest once, all or nothing', async () => {
      const [store] = instances(1) as [ReturnType<KyselyStore['alerts']>]
      expect(await store.lease('A', T0, 60_000)).toBe(true)
      expect(await store.apply('A', T0, 60_000, { ...none, opened: [alert('errors'), alert('new exception', 'TypeError: x')] })).toBe(true)
      expect(await store.apply('A', T0 + 1000, 60_000, { ...none, resolved: [{ rule: 'errors', key: '' }], opened: [alert('errors', 'again')] })).toBe(true)
      expect(await store.firing()).toEqual([
        {
          rule: 'new exception',
          key: 'TypeError: x',
          summary: 'new exception TypeError: x',
          value: 12.5,
          firedAt: new Date(T0).toISOString(),
          resolvedAt: null,
        },
        { rule: 'errors', key: 'again', summary: 'errors again', value: 12.5, firedAt: new Date(T0 + 1000).toISOString(), resolvedAt: null },
      ])
      const fired = await store.firedSince(T0, 10)
      expect(fired.map((line) => [line.rule, line.key, line.resolvedAt])).toEqual([
        ['errors', 'again', null],
        ['new exception', 'TypeError: x', null],
        ['errors', '', new Date(T0 + 1000).toISOString()],
      ])
      expect(await store.firedSince(T0 + 1, 10)).toHaveLength(1)

      expect(await store.digestSent(T0)).toBe(false)
      expect(await store.apply('A', T0 + 2000, 60_000, { ...none, digest: T0, notifications: [{ destination: 'w', body: '{}' }] })).toBe(true)
      expect(await store.digestSent(T0)).toBe(true)
      await expect(
        store.apply('A', T0 + 3000, 60_000, { ...none, digest: T0, opened: [alert('twice')], notifications: [{ destination: 'w', body: '{}' }] }),
      ).rejects.toThrow()
      expect((await store.firing()).map((line) => line.rule)).not.toContain('twice')
      expect(await store.pending(10)).toHaveLength(1)
    })

    it('hands each notification to one instance at a time, and keeps it until delivered or given up', async () => {
      const [a, b] = instances(2) as [ReturnType<KyselyStore['alerts']>, ReturnType<KyselyStore['alerts']>]
      expect(await a.lease('A', T0, 60_000)).toBe(true)
      const notifications = ['first', 'second', 'third'].map((body) => ({ destination: 'hook', body }))
      expect(await a.apply('A', T0, 60_000, { ...none, notifications })).toBe(true)
      const pending = await b.pending(10)
      expect(pending.map(({ body, attempts, nextAt, claimedBy, createdAt }) => ({ body, attempts, nextAt, claimedBy, createdAt }))).toEqual(
        ['first', 'second', 'third'].map((body) => ({ body, attempts: 0, nextAt: T0, claimedBy: null, createdAt: T0 })),
      )
      const [first, second, third] = pending as [(typeof pending)[0], (typeof pending)[0], (typeof pending)[0]]
      const claims = await Promise.all([a.claim(first, 'A', T0 + 30_000), b.claim(first, 'B', T0 + 30_000)])
      expect(claims.filter(Boolean)).toHaveLength(1)
      expect((await a.pending(1))[0]).toMatchObject({ nextAt: T0 + 30_000, claimedBy: claims[0] ? 'A' : 'B', attempts: 1 })
      await a.settle(first.id, { error: 'the webhook answered 503', retryAt: T0 + 2000 })
      expect(await b.claim(second, 'B', T0 + 30_000)).toBe(true)
      await b.settle(second.id, { delivered: T0 + 100 })
      expect(await a.claim(third, 'A', T0 + 30_000)).toBe(true)
      await a.settle(third.id, { error: 'gone for a day', retryAt: null })
      expect((await a.pending(10)).map(({ body, attempts, nextAt, claimedBy }) => ({ body, attempts, nextAt, claimedBy }))).toEqual([
        { body: 'first', attempts: 1, nextAt: T0 + 2000, claimedBy: null },
      ])
    })

    it('prunes with the raw rows the alerts resolved and the notifications settled before the cutoff, and keeps the rest', async () => {
      const table = `sg_alert_${process.pid}_${++tableNumber}`
      tables.add(table)
      const store = e.open(table)
      opened.push(store)
      const alerts = store.alerts()
      expect(await alerts.lease('A', T0, 60_000)).toBe(true)
      const notifications = ['settled', 'pending'].map((body) => ({ destination: 'hook', body }))
      expect(await alerts.apply('A', T0, 60_000, { ...none, opened: [alert('old'), alert('firing')], notifications })).toBe(true)
      expect(await alerts.apply('A', T0 + 1000, 60_000, { ...none, resolved: [{ rule: 'old', key: '' }] })).toBe(true)
      const [settled] = await alerts.pending(1)
      expect(await alerts.claim(settled as NonNullable<typeof settled>, 'A', T0 + 30_000)).toBe(true)
      await alerts.settle((settled as NonNullable<typeof settled>).id, { delivered: T0 + 100 })
      await store.prune(T0 + 86_400_000)
      expect((await alerts.firedSince(0, 10)).map((line) => line.rule)).toEqual(['firing'])
      expect((await alerts.pending(10)).map((notification) => notification.body)).toEqual(['pending'])
    })
  })
}
