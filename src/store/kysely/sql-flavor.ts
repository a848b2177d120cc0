import type { RawBuilder } from 'kysely'

/** The few things engines write differently; everything else in {@link KyselyStore} is shared SQL. */
export interface SqlFlavor {
  /** The value stored in the `date` column for an instant (ms since the epoch). */
  toDate(ms: number): unknown
  /** The instant (ms since the epoch) of a value read from the `date` column. */
  fromDate(value: unknown): number
  /** The value stored in a boolean column. */
  toBoolean(value: boolean): unknown
  /** An expression for the UTC day (`YYYY-MM-DD`) of the `date` column. */
  utcDay: RawBuilder<string>
}
