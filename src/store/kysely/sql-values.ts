import { type RawBuilder, sql } from 'kysely'

/** Orders a group's values with the missing one last, the same on every engine. */
export function nullsLast(ref: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`case when ${ref} is null then 1 else 0 end, ${ref}`
}

/** A number a driver read (some read bigint and numeric columns as strings), or null. */
export function nullableNumber(value: number | string | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value)
}
