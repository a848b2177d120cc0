import type { Kysely, QueryExecutor } from 'kysely'
import { StatgraphError } from '../../errors/statgraph-error.js'
import type { RequestDatabase } from './request-table.js'

/** Any `Kysely<DB>` instance, whatever its `DB` type: all statgraph asks of it is its executor. */
export interface KyselyInstance {
  getExecutor(): QueryExecutor
}

/** A Kysely dialect adapter's class: `PostgresAdapter`, … */
export type AdapterClass = abstract new (...args: never[]) => object

export function isKyselyInstance(value: unknown): value is KyselyInstance {
  return typeof value === 'object' && value !== null && typeof (value as Partial<KyselyInstance>).getExecutor === 'function'
}

/** Whether `value` is a Kysely instance whose dialect has `adapter`'s class (by name too: the app may load its own copy of Kysely). */
export function talksTo(value: unknown, adapter: AdapterClass): boolean {
  if (!isKyselyInstance(value)) return false
  const actual = value.getExecutor().adapter
  return actual instanceof adapter || actual.constructor.name === adapter.name
}

/** `db`, once checked to talk through `adapter`; a message naming the right store otherwise. */
export function checkedKysely(db: KyselyInstance, adapter: AdapterClass): Kysely<RequestDatabase> {
  if (!talksTo(db, adapter)) {
    throw new StatgraphError(
      'STATGRAPH_INVALID_OPTION',
      `statgraph: the Kysely instance passed as "database" talks through ${db.getExecutor().adapter.constructor.name}, not ${adapter.name}: ` +
        'pass it to the store of its engine (SqliteStore, PostgresStore or MysqlStore), or to statgraph(), which picks it',
    )
  }
  return db as unknown as Kysely<RequestDatabase>
}

/** The error for a Kysely instance of an engine no store is for. */
export function unsupportedKysely(db: KyselyInstance): StatgraphError {
  return new StatgraphError(
    'STATGRAPH_INVALID_OPTION',
    `statgraph: the Kysely instance passed as "database" talks to an engine statgraph has no store for (its adapter is ${db.getExecutor().adapter.constructor.name}); ` +
      'statgraph stores statistics in SQLite, PostgreSQL or MySQL/MariaDB',
  )
}
