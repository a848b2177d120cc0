import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import type { AlertEvent } from '../../src/alerts/alert-event.js'
import type { AlertsOption } from '../../src/alerts/alerts-option.js'
import { alertTableNames } from '../../src/store/kysely/alert-migration.js'
import { cliEngines } from '../helpers/cli-databases.js'
import { type InstanceProcess, startInstance } from '../helpers/instance-process.js'
import { tempDir } from '../helpers/temp-dir.js'
import { poll } from '../helpers/wait-for.js'
import { webhookReceiver } from '../helpers/webhook-receiver.js'
import { smtpReceiver } from '../helpers/smtp-receiver.js'

// Three app instances in processes of their own, on one database, each running the alert loop;
// the test's receivers are the webhook and an SMTP server. Every episode of every alert must
// arrive exactly once at each.

const dir = tempDir()
const INSTANCES = ['app-1', 'app-2', 'app-3']
const LEASE_MS = 3000
const engines = cliEngines(dir).filter(({ engine }) => engine !== 'MariaDB')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.each(engines)('alerts of three instances on $engine', ({ engine, make }) => {
  const database = make?.()
  const running: InstanceProcess[] = []
  afterAll(async () => {
    await Promise.all(running.map((app) => app.stop()))
    await database?.drop()
  })

  /** The lease's holder now, read past statgraph: its instance name. */
  const holder = async (): Promise<string | undefined> => {
    const lease = alertTableNames(database?.table as string).lease
    const query = `select holder from ${lease} where name = 'alerts'`
    let row: { holder: string } | undefined
    if (engine === 'SQLite') {
      const db = new Database(database?.database as string, { readonly: true, timeout: 5000 })
      try {
        row = db.prepare(query).get() as { holder: string } | undefined
      } catch {
        row = undefined
      } finally {
        db.close()
      }
    } else {
      const client = new pg.Client({ connectionString: database?.database })
      await client.connect()
      row = (await client.query(query).finally(() => client.end())).rows[0]
    }
    return row?.holder.split(':')[0]
  }

  it.skipIf(database === undefined)(
    'delivers each alert once, survives its evaluator killed and the receiver down, and resolves once',
    async () => {
      const receiver = await webhookReceiver()
      const mail = await smtpReceiver()
      const alerts: AlertsOption = {
        rules: [
          { type: 'errorRate', above: 20, window: '8s', minHits: 10, name: 'errors' },
          { type: 'instanceStopped', name: 'stopped' },
        ],
        webhooks: [{ url: receiver.url }],
        email: { smtp: mail.url, from: 'statgraph@example.com', to: 'ops@example.com' },
        every: '1s',
        lease: `${LEASE_MS / 1000}s`,
        cooldown: '1s',
        digest: false,
      }
      const apps = await Promise.all(
        INSTANCES.map((instance) =>
          startInstance({
            DATABASE: database?.database as string,
            TABLE: database?.table as string,
            INSTANCE: instance,
            // Stopped after three missed samples, 6 s: a loaded machine can hold a sample up a few seconds.
            RUNTIME_EVERY: '2s',
            ALERTS: JSON.stringify(alerts),
          }),
        ),
      )
      running.push(...apps)
      const named = () =>
        (receiver.received as AlertEvent[]).map((event) =>
          event.event === 'digest' ? 'digest' : `${event.event}: ${event.rule}${event.key === '' ? '' : ` [${event.key}]`}`,
        )
      const arrived = (what: string, count = 1) =>
        poll(
          async () => named(),
          (names) => names.filter((name) => name === what).length >= count,
          what,
        )
      /** 30 failing requests over the instances still running. */
      const failures = async () => {
        const live = apps.filter((app) => app.child.exitCode === null && app.child.signalCode === null)
        for (let i = 0; i < 30; i++) await (await fetch(`${(live[i % live.length] as InstanceProcess).url}/boom/${i}`)).arrayBuffer()
      }

      await failures()
      await arrived('firing: errors')
      // The window (8 s) passes without a request: the rate has too few requests to hold.
      await arrived('resolved: errors')

      // The instance holding the lease dies between two of its rounds (its deliveries done: one
      // killed in the middle of a send may have it sent again); another takes the lease.
      await poll(
        async () => mail.received.filter((message) => message.subject === 'Resolved: errors').length,
        (count) => count === 1,
        'the resolved e-mail',
      )
      const first = await holder()
      const victim = apps[INSTANCES.indexOf(first as string)] as InstanceProcess
      await sleep(Math.random() * 1000)
      const killedAt = Date.now()
      victim.child.kill('SIGKILL')
      const next = await poll(holder, (name) => name !== undefined && name !== first, 'another holder', 20_000)
      expect(INSTANCES).toContain(next)
      expect(Date.now() - killedAt).toBeLessThan(2 * LEASE_MS + 1000)
      await failures()
      await arrived('firing: errors', 2)
      await arrived(`firing: stopped [${first}]`)

      // The receiver is down while the errors stop: "resolved" waits, and arrives once it is back.
      await receiver.down()
      await sleep(12_000)
      expect(named().filter((name) => name === 'resolved: errors')).toHaveLength(1)
      await receiver.up()
      await arrived('resolved: errors', 2)

      // A few more rounds: nothing arrives twice.
      await sleep(3000)
      expect(named().sort()).toEqual(['firing: errors', 'firing: errors', `firing: stopped [${first}]`, 'resolved: errors', 'resolved: errors'])
      const events = receiver.received as AlertEvent[]
      expect(new Set(events.map((event) => event.id)).size).toBe(events.length)
      // The same alerts by e-mail, each once (the SMTP server was up throughout).
      expect(mail.received.map((message) => message.subject).sort()).toEqual([
        'Firing: errors',
        'Firing: errors',
        'Firing: stopped',
        'Resolved: errors',
        'Resolved: errors',
      ])
      expect(new Set(mail.received.map((message) => message.eventId)).size).toBe(5)
      await receiver.close()
      await mail.close()
    },
    120_000,
  )
})
