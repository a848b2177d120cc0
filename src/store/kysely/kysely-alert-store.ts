import { type RawBuilder, sql } from 'kysely'
import type { AlertChanges, AlertLine, AlertStore, PendingNotification } from '../alert-store.js'
import { alertTableNames } from './alert-migration.js'
import type { SqlRunner } from './rollup-tables.js'
import type { SqlFlavor } from './sql-flavor.js'
import { nullableNumber } from './sql-values.js'

/** The lease's name: one evaluator per statistics table. */
const LEASE = 'alerts'

type AlertRow = {
  rule: string
  alert_key: string
  summary: string
  value: number | string | null
  fired_at: number | string
  resolved_at: number | string | null
}
type NotificationRow = {
  id: number | string
  destination: string
  body: string
  attempts: number | string
  next_at: number | string
  claimed_by: string | null
  created_at: number | string
}

const affected = (result: { numAffectedRows?: bigint }) => Number(result.numAffectedRows ?? 0)

/** What the alert store needs of the statistics store it sits beside. */
export interface AlertStoreContext {
  db: SqlRunner
  table: string
  qualified: (name: string) => RawBuilder<unknown>
  flavor: SqlFlavor
  /** Resolves once the tables exist. */
  ready: () => Promise<void>
  /** Runs a write in the store's turn (SQLite's writers of one process take turns). */
  exclusive: <T>(write: () => Promise<T>) => Promise<T>
  /** Runs `body` in a write transaction. */
  transaction: <T>(body: (trx: SqlRunner) => Promise<T>) => Promise<T>
}

/**
 * {@link AlertStore} in plain SQL. The lease is one row, taken by a conditional UPDATE (the holder's
 * own row, or an expired one), which every engine runs atomically; every change of alert state
 * renews it in its own transaction first, so an instance that lost it writes nothing.
 */
export class KyselyAlertStore implements AlertStore {
  readonly #context: AlertStoreContext
  readonly #lease: RawBuilder<unknown>
  readonly #alerts: RawBuilder<unknown>
  readonly #notifications: RawBuilder<unknown>
  readonly #digests: RawBuilder<unknown>

  constructor(context: AlertStoreContext) {
    this.#context = context
    const names = alertTableNames(context.table)
    this.#lease = context.qualified(names.lease)
    this.#alerts = context.qualified(names.alerts)
    this.#notifications = context.qualified(names.notifications)
    this.#digests = context.qualified(names.digests)
  }

  lease(holder: string, now: number, ms: number): Promise<boolean> {
    const { db, flavor } = this.#context
    return this.#write(async () => {
      await sql`insert into ${this.#lease} (name, holder, expires_at) values (${LEASE}, ${holder}, ${now + ms}) ${flavor.skipDuplicates(['name'])}`.execute(db)
      const taken = await sql`update ${this.#lease} set holder = ${holder}, expires_at = ${now + ms}
        where name = ${LEASE} and (holder = ${holder} or expires_at < ${now})`.execute(db)
      return affected(taken) === 1
    })
  }

  apply(holder: string, now: number, ms: number, changes: AlertChanges): Promise<boolean> {
    return this.#write(() =>
      this.#context.transaction(async (trx) => {
        const fenced = await sql`update ${this.#lease} set expires_at = ${now + ms} where name = ${LEASE} and holder = ${holder}`.execute(trx)
        if (affected(fenced) !== 1) return false
        for (const { rule, key, summary, value } of changes.opened) {
          await sql`insert into ${this.#alerts} (rule, alert_key, summary, value, fired_at) values (${rule}, ${key}, ${summary}, ${value}, ${now})`.execute(trx)
        }
        for (const { rule, key } of changes.resolved) {
          await sql`update ${this.#alerts} set resolved_at = ${now} where rule = ${rule} and alert_key = ${key} and resolved_at is null`.execute(trx)
        }
        for (const { destination, body } of changes.notifications) {
          await sql`insert into ${this.#notifications} (destination, body, created_at, attempts, next_at) values (${destination}, ${body}, ${now}, 0, ${now})`.execute(
            trx,
          )
        }
        // A period's digest once: its row's key refuses a second.
        if (changes.digest !== undefined) await sql`insert into ${this.#digests} (period_start, sent_at) values (${changes.digest}, ${now})`.execute(trx)
        return true
      }),
    )
  }

  async firing(): Promise<AlertLine[]> {
    await this.#context.ready()
    const { rows } = await sql<AlertRow>`select * from ${this.#alerts} where resolved_at is null order by fired_at, id`.execute(this.#context.db)
    return rows.map(alertLine)
  }

  async firedSince(since: number, limit: number): Promise<AlertLine[]> {
    await this.#context.ready()
    const { rows } = await sql<AlertRow>`select * from ${this.#alerts} where fired_at >= ${since} order by fired_at desc, id desc limit ${limit}`.execute(
      this.#context.db,
    )
    return rows.map(alertLine)
  }

  async digestSent(start: number): Promise<boolean> {
    await this.#context.ready()
    const { rows } = await sql`select period_start from ${this.#digests} where period_start = ${start}`.execute(this.#context.db)
    return rows.length > 0
  }

  async pending(limit: number): Promise<PendingNotification[]> {
    await this.#context.ready()
    const { rows } = await sql<NotificationRow>`select id, destination, body, attempts, next_at, claimed_by, created_at from ${this.#notifications}
      where next_at is not null order by id limit ${limit}`.execute(this.#context.db)
    return rows.map((row) => ({
      id: Number(row.id),
      destination: row.destination,
      body: row.body,
      attempts: Number(row.attempts),
      nextAt: Number(row.next_at),
      claimedBy: row.claimed_by,
      createdAt: Number(row.created_at),
    }))
  }

  claim(notification: PendingNotification, holder: string, until: number): Promise<boolean> {
    return this.#write(async () => {
      const claimed = await sql`update ${this.#notifications} set next_at = ${until}, attempts = attempts + 1, claimed_by = ${holder}
        where id = ${notification.id} and next_at = ${notification.nextAt}`.execute(this.#context.db)
      return affected(claimed) === 1
    })
  }

  settle(id: number, outcome: { delivered: number } | { error: string; retryAt: number | null }): Promise<void> {
    return this.#write(async () => {
      const set =
        'delivered' in outcome
          ? sql`delivered_at = ${outcome.delivered}, next_at = null, claimed_by = null, last_error = null`
          : sql`last_error = ${outcome.error.slice(0, 1000)}, next_at = ${outcome.retryAt}, claimed_by = null`
      await sql`update ${this.#notifications} set ${set} where id = ${id}`.execute(this.#context.db)
    })
  }

  /** Deletes the alerts resolved and the notifications settled before `before` (ms): the history follows the raw rows. */
  async prune(before: number): Promise<void> {
    const { db } = this.#context
    await sql`delete from ${this.#alerts} where resolved_at is not null and resolved_at < ${before}`.execute(db)
    await sql`delete from ${this.#notifications} where next_at is null and created_at < ${before}`.execute(db)
  }

  #write<T>(write: () => Promise<T>): Promise<T> {
    return this.#context.exclusive(async () => {
      await this.#context.ready()
      return write()
    })
  }
}

function alertLine(row: AlertRow): AlertLine {
  return {
    rule: row.rule,
    key: row.alert_key,
    summary: row.summary,
    value: nullableNumber(row.value),
    firedAt: new Date(Number(row.fired_at)).toISOString(),
    resolvedAt: row.resolved_at === null ? null : new Date(Number(row.resolved_at)).toISOString(),
  }
}
