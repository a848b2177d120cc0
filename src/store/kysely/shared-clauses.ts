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

/** The flavour's `accumulate` as SQLite and PostgreSQL write it: `on conflict … do update`, the stored row aliased. */
export function onConflictAccumulate(
  table: RawBuilder<unknown>,
  columns: readonly string[],
  rows: RawBuilder<unknown>,
  merge: { keys: readonly string[]; sums: readonly string[]; maxima: readonly string[] },
): RawBuilder<unknown> {
  const set = [
    ...merge.sums.map((column) => sql`${sql.ref(column)} = cur.${sql.ref(column)} + excluded.${sql.ref(column)}`),
    ...merge.maxima.map((column) => {
      const [stored, added] = [sql`cur.${sql.ref(column)}`, sql`excluded.${sql.ref(column)}`]
      return sql`${sql.ref(column)} = case when ${added} > ${stored} or ${stored} is null then ${added} else ${stored} end`
    }),
  ]
  return sql`insert into ${table} as cur (${sql.join(columns.map((column) => sql.ref(column)))}) ${rows}
    on conflict (${sql.join(merge.keys.map((key) => sql.ref(key)))}) do update set ${sql.join(set)}`
}

/** The flavour's `insertNew` as SQLite and PostgreSQL write it: `on conflict do nothing`. */
export function insertOrNothing(table: RawBuilder<unknown>, columns: readonly string[], rows: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`insert into ${table} (${sql.join(columns.map((column) => sql.ref(column)))}) ${rows} on conflict do nothing`
}

/** The flavour's `rowSource` as SQLite and MySQL write it: `values (…), (…)`. */
export function valuesSource(rows: readonly (readonly unknown[])[]): RawBuilder<unknown> {
  return sql`values ${sql.join(rows.map((row) => sql`(${sql.join(row)})`))}`
}
