import type { RequestRow } from '../stats/answer/request-page.js'

/** The columns of a request row in exports, in reading order: CSV's header, JSON's keys. */
export const REQUEST_COLUMNS = [
  'index',
  'date',
  'method',
  'path',
  'route',
  'status_code',
  'size',
  'response_time',
  'mimetype',
  'remote_address',
  'user_agent',
  'browser',
  'platform',
  'bot',
  'referrer',
  'exception',
  'instance',
  'version',
] as const

/** `row` with its keys in {@link REQUEST_COLUMNS} order, so that a JSON export reads like the CSV one. */
export function exportRow(row: RequestRow): Record<string, unknown> {
  const source = row as unknown as Record<string, unknown>
  return Object.fromEntries(REQUEST_COLUMNS.map((column) => [column, source[column]]))
}
