import { type RawBuilder, sql } from 'kysely'

/** Orders a group's values with the missing one last, the same on every engine; text in `collation`, if given. */
export function nullsLast(ref: RawBuilder<unknown>, collation?: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`case when ${ref} is null then 1 else 0 end, ${ref} ${collation ?? sql``}`
}

/** A number a driver read (some read bigint and numeric columns as strings), or null. */
export function nullableNumber(value: number | string | null | undefined): number | null {
  return value === null || value === undefined ? null : Number(value)
}
