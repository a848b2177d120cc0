import { type Kysely, sql } from 'kysely'
import type { Migrations } from '../kysely/kysely-store.js'

/**
 * The SQLite table's versions. Each step only adds: a file made by an older statgraph — or a table
 * Flask-Statgraph made with the same columns — keeps its rows.
 */
export const sqliteMigrations: Migrations = (table) => ({
  '0001_create_request_table': {
    // The seed's columns, as Flask-Statgraph's model declares them.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable(table)
        .ifNotExists()
        .addColumn('index', 'integer', (column) => column.primaryKey().autoIncrement())
        .addColumn('response_time', 'real')
        .addColumn('date', 'text')
        .addColumn('method', 'text')
        .addColumn('size', 'integer')
        .addColumn('status_code', 'integer')
        .addColumn('path', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('remote_address', 'text')
        .addColumn('exception', 'text')
        .addColumn('referrer', 'text')
        .addColumn('browser', 'text')
        .addColumn('platform', 'text')
        .addColumn('mimetype', 'text')
        .execute()
    },
  },
  '0002_bot_column_and_date_index': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable(table).addColumn('bot', 'integer', (column) => column.notNull().defaultTo(0)).execute()
      await sql`create index if not exists ${sql.id(`${table}_date`)} on ${sql.table(table)} (date)`.execute(db)
    },
  },
  '0003_route_column': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable(table).addColumn('route', 'text').execute()
    },
  },
})
