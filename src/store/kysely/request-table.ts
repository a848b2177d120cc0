import type { Generated } from 'kysely'
import type { RequestRecord } from '../../record/request-record.js'

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

/** The columns a store writes, in the order of `RequestRecord`'s fields; `index` is generated. */
export const INSERT_COLUMNS = [
  'response_time',
  'date',
  'method',
  'size',
  'status_code',
  'path',
  'user_agent',
  'remote_address',
  'exception',
  'referrer',
  'browser',
  'platform',
  'mimetype',
  'bot',
  'route',
] as const

/** A record's values in {@link INSERT_COLUMNS} order, its date and flag in the engine's form. */
export function insertValues(r: RequestRecord, toDate: (ms: number) => unknown, toBoolean: (flag: boolean) => unknown): unknown[] {
  // biome-ignore format: one row, one line
  return [r.response_time, toDate(r.date), r.method, r.size, r.status_code, r.path, r.user_agent, r.remote_address, r.exception, r.referrer, r.browser, r.platform, r.mimetype, toBoolean(r.bot), r.route]
}
