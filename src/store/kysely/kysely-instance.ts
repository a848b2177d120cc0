import { type Kysely, MysqlAdapter, PostgresAdapter, type QueryExecutor, SqliteAdapter } from 'kysely'
import type { RequestDatabase } from './request-table.js'
import { StatgraphError } from '../../errors/statgraph-error.js'

/** Any `Kysely<DB>` instance, whatever its `DB` type: all statgraph asks of it is its executor. */
export interface KyselyInstance {
  getExecutor(): QueryExecutor
}

/** The SQL engines statgraph has a store for. */
export type Engine = 'sqlite' | 'postgres' | 'mysql'

const ADAPTERS = [
  ['sqlite', SqliteAdapter],
  ['postgres', PostgresAdapter],
  ['mysql', MysqlAdapter],
] as const

export function isKyselyInstance(value: unknown): value is KyselyInstance {
  return typeof value === 'object' && value !== null && typeof (value as Partial<KyselyInstance>).getExecutor === 'function'
}

/** The engine a Kysely instance talks to, from its dialect's adapter; undefined for another engine. */
export function kyselyEngine(db: KyselyInstance): Engine | undefined {
  const adapter = db.getExecutor().adapter
  // By name too: the app may load its own copy of Kysely.
  return ADAPTERS.find(([, type]) => adapter instanceof type || adapter.constructor.name === type.name)?.[0]
}

/** `db`, once checked to talk to `engine`; a message naming the right store otherwise. */
export function checkedKysely(db: KyselyInstance, engine: Engine): Kysely<RequestDatabase> {
  const actual = kyselyEngine(db)
  if (actual !== engine) {
    throw new StatgraphError(
      'STATGRAPH_INVALID_OPTION',
      `statgraph: the Kysely instance passed as "database" talks to ${actual ?? 'an engine statgraph has no store for'}, not ${engine}; ` +
        'statgraph stores statistics in SQLite, PostgreSQL or MySQL/MariaDB',
    )
  }
  return db as unknown as Kysely<RequestDatabase>
}
