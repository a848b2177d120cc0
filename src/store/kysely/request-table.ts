import type { Generated } from 'kysely'
import type { RequestRecord } from '../../record/request-record.js'
import type { ColumnKind } from './sql-flavor.js'

/** The statistics table as Kysely sees it: the record's columns, with dates and booleans in the engine's own form. */
type RequestTable = Omit<RequestRecord, 'date' | 'bot'> & {
  index: Generated<number>
  date: unknown
  bot: unknown
}

/**
 * The table's name is the app's choice, so queries name it at run time; Kysely's types only need
 * one key to check the columns against.
 */
export interface RequestDatabase {
  request: RequestTable
}

/** The seed's columns after `index`, as Flask-Statgraph's model declares them, and their kinds. */
export const SEED_COLUMNS = [
  ['response_time', 'real'],
  ['date', 'date'],
  ['method', 'text'],
  ['size', 'integer'],
  ['status_code', 'integer'],
  ['path', 'text'],
  ['user_agent', 'text'],
  ['remote_address', 'text'],
  ['exception', 'text'],
  ['referrer', 'text'],
  ['browser', 'text'],
  ['platform', 'text'],
  ['mimetype', 'text'],
] as const satisfies readonly (readonly [keyof RequestRecord, ColumnKind])[]

/** The columns a store writes, in the order of `RequestRecord`'s fields, and what each holds; `index` is generated. */
const INSERTED = [...SEED_COLUMNS, ['bot', 'boolean'], ['route', 'text'], ['instance', 'text'], ['version', 'text']] as const satisfies readonly (readonly [
  keyof RequestRecord,
  ColumnKind,
])[]

export const INSERT_COLUMNS = INSERTED.map(([column]) => column)
export const INSERT_KINDS: ColumnKind[] = INSERTED.map(([, kind]) => kind)

/** A record's values in {@link INSERT_COLUMNS} order, its date and flag in the engine's form. */
export function insertValues(r: RequestRecord, toDate: (ms: number) => unknown, toBoolean: (flag: boolean) => unknown): unknown[] {
  // biome-ignore format: one row, one line
  return [r.response_time, toDate(r.date), r.method, r.size, r.status_code, r.path, r.user_agent, r.remote_address, r.exception, r.referrer, r.browser, r.platform, r.mimetype, toBoolean(r.bot), r.route, r.instance, r.version]
}
