import { sql, type RawBuilder } from 'kysely'

/** `on conflict (keys) do update set c = excluded.c, …`, as SQLite and PostgreSQL write it. */
export function onConflictUpdate(keys: readonly string[], columns: readonly string[]): RawBuilder<unknown> {
  const set = columns.map((column) => sql`${sql.ref(column)} = excluded.${sql.ref(column)}`)
  return sql`on conflict (${sql.join(keys.map((key) => sql.ref(key)))}) do update set ${sql.join(set)}`
}

/** `(columns) in ((…), (…))`, as PostgreSQL and MySQL write it. */
export function rowsInList(columns: RawBuilder<unknown>, rows: readonly RawBuilder<unknown>[]): RawBuilder<unknown> {
  return sql`(${columns}) in (${sql.join(rows)})`
}

/** `on conflict (keys) do nothing`, as SQLite and PostgreSQL write it. */
export function onConflictSkip(keys: readonly string[]): RawBuilder<unknown> {
  return sql`on conflict (${sql.join(keys.map((key) => sql.ref(key)))}) do nothing`
}
