import type { Generated } from 'kysely'

/** The statistics table as Kysely sees it; dates and booleans are in the engine's own form. */
export interface RequestTable {
  index: Generated<number>
  response_time: number
  date: unknown
  method: string
  size: number
  status_code: number
  path: string
  user_agent: string
  remote_address: string
  exception: string | null
  referrer: string | null
  browser: string | null
  platform: string | null
  mimetype: string | null
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
  'response_time', 'date', 'method', 'size', 'status_code', 'path', 'user_agent', 'remote_address',
  'exception', 'referrer', 'browser', 'platform', 'mimetype', 'bot',
] as const
