import type { RequestRecord } from '../../record/request-record.js'

/** A stored request as the API lists it: the record, its row id, and its date as ISO 8601. */
export interface RequestRow extends Omit<RequestRecord, 'date'> {
  index: number
  date: string
}

/** One page of raw rows, newest first, and how many rows match in all. */
export interface RequestPage {
  total: number
  rows: RequestRow[]
}
