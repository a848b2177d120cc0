import { type ColumnDefinitionBuilder, type Kysely, type Migration, sql } from 'kysely'
import { schemaSteps } from './schema-steps.js'
import type { SqlFlavor } from './sql-flavor.js'

/** The tables of alerting beside `table`. */
export function alertTableNames(table: string) {
  return {
    lease: `${table}_statgraph_lease`,
    alerts: `${table}_statgraph_alert`,
    notifications: `${table}_statgraph_notification`,
    digests: `${table}_statgraph_digest`,
  }
}

/** The alerting tables' versions, after `requestMigrations`' (see there for the rules they follow). */
export function alertMigrations(table: string, flavor: SqlFlavor, schema: string | undefined): Record<string, Migration> {
  const types = flavor.columns
  const { createIndex, made, key } = schemaSteps(flavor, schema)
  const id = (column: ColumnDefinitionBuilder) => (flavor.autoIncrement ? column.primaryKey().autoIncrement() : column.primaryKey())
  return {
    '0012_alerts': {
      // The lease naming the one instance that evaluates; alerts, firing and past; the outbox of
      // notifications; the digest periods sent.
      async up(db: Kysely<unknown>) {
        const names = alertTableNames(table)
        await made(
          db.schema
            .createTable(names.lease)
            .ifNotExists()
            .addColumn('name', sql`varchar(64)`, (column) => column.primaryKey())
            .addColumn('holder', sql`varchar(64)`, (column) => column.notNull())
            .addColumn('expires_at', types.integer, (column) => column.notNull()),
        )
        await made(
          db.schema
            .createTable(names.alerts)
            .ifNotExists()
            .addColumn('id', types.id, id)
            .addColumn('rule', sql`varchar(128)`, (column) => column.notNull())
            .addColumn('alert_key', key, (column) => column.notNull())
            .addColumn('summary', types.text, (column) => column.notNull())
            .addColumn('value', types.real)
            .addColumn('fired_at', types.integer, (column) => column.notNull())
            .addColumn('resolved_at', types.integer),
        )
        await createIndex(db, `${names.alerts}_fired`, names.alerts, ['fired_at'])
        await createIndex(db, `${names.alerts}_open`, names.alerts, ['resolved_at'])
        await made(
          db.schema
            .createTable(names.notifications)
            .ifNotExists()
            .addColumn('id', types.id, id)
            .addColumn('destination', sql`varchar(64)`, (column) => column.notNull())
            .addColumn('body', types.text, (column) => column.notNull())
            .addColumn('created_at', types.integer, (column) => column.notNull())
            .addColumn('attempts', types.integer, (column) => column.notNull())
            .addColumn('next_at', types.integer)
            .addColumn('claimed_by', sql`varchar(64)`)
            .addColumn('delivered_at', types.integer)
            .addColumn('last_error', types.text),
        )
        await createIndex(db, `${names.notifications}_due`, names.notifications, ['next_at'])
        await made(
          db.schema
            .createTable(names.digests)
            .ifNotExists()
            .addColumn('period_start', types.integer, (column) => column.primaryKey())
            .addColumn('sent_at', types.integer, (column) => column.notNull()),
        )
      },
    },
  }
}
