import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { RequestRecord } from '../../record/request-record.js'
import { INSERT_COLUMNS } from '../kysely/request-table.js'
import type { Qualify, RawLayout } from '../kysely/raw-layout.js'
import type { SqlRunner } from '../kysely/rollup-tables.js'
import { BUCKET_TEXT_LENGTH } from '../../stats/time/time-bucket.js'

/**
 * The columns kept as ids of a shared dictionary of text: user agents, paths, referrers and the
 * like repeat from row to row, and an id takes a byte or two where the text took up to hundreds.
 * Addresses stay text: nearly every visitor has one of their own.
 */
const DICTIONARY_COLUMNS = [
  'method',
  'path',
  'user_agent',
  'exception',
  'referrer',
  'browser',
  'platform',
  'mimetype',
  'route',
  'instance',
  'version',
] as const satisfies readonly (keyof RequestRecord)[]

const IN_DICTIONARY: ReadonlySet<string> = new Set(DICTIONARY_COLUMNS)

/** The tables the rows of `table` live in, and the count of the dictionary's sweeps. */
export function compactTableNames(table: string) {
  return { rows: `${table}_statgraph_row`, text: `${table}_statgraph_text`, sweeps: `${table}_statgraph_text_sweep` }
}

/**
 * How far a text's recorded latest use (`last`, ms) may trail its real one: writers note a use
 * only when it is this much later than the one they noted, so a text costs a write an hour at
 * most. A prune deletes the texts whose `last` is older than its cutoff by more than this.
 */
export const LAST_USE_SLACK_MS = 3_600_000

/** UTC text `YYYY-MM-DD HH:MM:SS.SSS` of a ms `date`, in integers only (no float rounding). */
function utcText(date: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`strftime('%Y-%m-%d %H:%M:%S', ${date} / 1000, 'unixepoch') || '.' || substr('00' || (${date} % 1000), -3)`
}

/** The ms of UTC text `YYYY-MM-DD HH:MM:SS[.fraction]` (digits past milliseconds dropped), as `fromUtcText` reads it. */
function utcMs(text: RawBuilder<unknown>): RawBuilder<number> {
  return sql<number>`cast(strftime('%s', substr(${text}, 1, 19)) as integer) * 1000 + cast(substr(substr(${text}, 21) || '000', 1, 3) as integer)`
}

/**
 * The record's columns over the row table `r`, text looked up by id, the date through `date`.
 * As scalar subqueries, not joins: SQLite flattens the derived table into the query reading it and
 * evaluates only the columns that query uses, so a count reads no text at all.
 */
function recordColumns(text: RawBuilder<unknown>, date: (column: RawBuilder<unknown>) => RawBuilder<unknown>): RawBuilder<unknown> {
  const columns = ['index', ...INSERT_COLUMNS].map((column) => {
    const ref = sql.ref(`r.${column}`)
    if (column === 'date') return sql`${date(ref)} as ${sql.ref('date')}`
    if (IN_DICTIONARY.has(column)) return sql`(select value from ${text} where id = ${ref}) as ${sql.ref(column)}`
    return ref
  })
  return sql.join(columns)
}

/** The column of a text's id in the derived table of {@link compactRows}' reads. */
const idColumn = (column: string) => `${column}__id`

/** The row table's columns, `index` first. */
const STORED = sql.join(['index', ...INSERT_COLUMNS].map((column) => sql.ref(column)))

/** A seed row's date as the row table stores it. */
const storedDate = (from: string) => utcMs(sql.ref(`${from}.date`))

/** What the row table stores of a row of the seed's form read as `from` (the old table, or a trigger's `new`). */
function storedValues(from: string, text: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql.join(
    ['index', ...INSERT_COLUMNS].map((column) => {
      const ref = sql.ref(`${from}.${column}`)
      if (column === 'date') return storedDate(from)
      if (column === 'bot') return sql`coalesce(${ref}, 0)`
      return IN_DICTIONARY.has(column) ? sql`(select id from ${text} where value = ${ref})` : ref
    }),
  )
}

/**
 * The dictionary, with each text's latest use, the count of its sweeps, and the row table, with
 * their indexes. Keys are declared `not null`, as ORMs declare them: TypeORM would otherwise
 * rebuild the row table to add it, which SQLite refuses under a view reading it.
 */
async function makeTables(db: Kysely<unknown>, names: ReturnType<typeof compactTableNames>): Promise<void> {
  await db.schema
    .createTable(names.text)
    .ifNotExists()
    .addColumn('id', 'integer', (column) => column.primaryKey().notNull())
    .addColumn('value', 'text', (column) => column.notNull())
    .addColumn('last', 'integer', (column) => column.notNull().defaultTo(0))
    .execute()
  await db.schema.createIndex(`${names.text}_value`).ifNotExists().unique().on(names.text).column('value').execute()
  // One row (made by the first sweep, so that tables an app's own migrations made work alike); a
  // key all the same, as ORMs want every table to have one.
  await db.schema
    .createTable(names.sweeps)
    .ifNotExists()
    .addColumn('id', 'integer', (column) => column.primaryKey().notNull())
    .addColumn('n', 'integer', (column) => column.notNull())
    .execute()
  let rows = db.schema
    .createTable(names.rows)
    .ifNotExists()
    .addColumn('index', 'integer', (column) => column.primaryKey().autoIncrement().notNull())
  for (const column of INSERT_COLUMNS) {
    const type = column === 'response_time' ? 'real' : column === 'remote_address' ? 'text' : 'integer'
    rows = rows.addColumn(column, type, (built) => (column === 'bot' ? built.notNull().defaultTo(0) : built))
  }
  await rows.execute()
  await db.schema.createIndex(`${names.rows}_date`).ifNotExists().on(names.rows).column('date').execute()
}

/**
 * SQLite's raw rows, compact: dates as integer ms, repeated text as dictionary ids, and the seed's
 * table a view of the same columns and forms as before (plain SQL and Flask-Statgraph read it, and
 * insert and delete through it). See docs/decisions.md, "Compact raw rows".
 */
export const compactRows: RawLayout = {
  async make(db: Kysely<unknown>, table: string, qualified: Qualify) {
    const found = (await db.introspection.getTables()).find((candidate) => candidate.name === table)
    if (found?.isView === true) return
    const names = compactTableNames(table)
    await makeTables(db, names)
    const [t, text, rowTable] = [qualified(table), qualified(names.text), qualified(names.rows)]
    // The rows statgraph or Flask-Statgraph kept in the table, with their ids; ids are never used
    // again, as with the table's own AUTOINCREMENT. Each text with its latest use.
    const uses = sql.join(
      DICTIONARY_COLUMNS.map((column) => sql`select ${sql.ref(`t.${column}`)} as value, ${storedDate('t')} as last from ${t} as t`),
      sql` union all `,
    )
    await sql`insert or ignore into ${text} (value, last)
      select value, coalesce(max(last), 0) from (${uses}) where value is not null group by value`.execute(db)
    await sql`insert into ${rowTable} (${STORED}) select ${storedValues('t', text)} from ${t} as t`.execute(db)
    await sql`update sqlite_sequence set seq = max(seq, coalesce((select seq from sqlite_sequence where name = ${table}), 0)) where name = ${names.rows}`.execute(
      db,
    )
    await db.schema.dropTable(table).execute()
    await sql`create view if not exists ${t} as select ${recordColumns(text, utcText)} from ${rowTable} as r`.execute(db)
    const newValues = sql.join(
      DICTIONARY_COLUMNS.map((column) => sql`select ${sql.ref(`new.${column}`)} as value`),
      sql` union all `,
    )
    const newDate = sql`coalesce(${storedDate('new')}, 0)`
    const newTexts = sql.join(DICTIONARY_COLUMNS.map((column) => sql.ref(`new.${column}`)))
    await sql`create trigger if not exists ${sql.id(`${table}_statgraph_insert`)} instead of insert on ${t} begin
  insert or ignore into ${text} (value, last) select value, ${newDate} from (${newValues}) where value is not null;
  update ${text} set last = max(last, ${newDate}) where value in (${newTexts});
  insert into ${rowTable} (${STORED}) values (${storedValues('new', text)});
end`.execute(db)
    await sql`create trigger if not exists ${sql.id(`${table}_statgraph_delete`)} instead of delete on ${t} begin
  delete from ${rowTable} where ${sql.ref('index')} = old.${sql.ref('index')};
end`.execute(db)
  },
  source: (table, qualified) => {
    const names = compactTableNames(table)
    // Beside the text, its id: a filter compares ids, looking the text up once rather than per row.
    const ids = sql.join(DICTIONARY_COLUMNS.map((column) => sql`${sql.ref(`r.${column}`)} as ${sql.ref(idColumn(column))}`))
    return sql`(select ${recordColumns(qualified(names.text), (date) => date)}, ${ids} from ${qualified(names.rows)} as r) as ${sql.id(table)}`
  },
  async prune(db: SqlRunner, table: string, qualified: Qualify, before: number) {
    const names = compactTableNames(table)
    const rows = await sql`delete from ${qualified(names.rows)} where date < ${Math.trunc(before)}`.execute(db)
    // Texts only the deleted rows used go with them (user agents, referrers: what a retention
    // period promises to forget). Writers remember ids: a sweep tells them to forget theirs.
    const texts = await sql`delete from ${qualified(names.text)} where last < ${Math.trunc(before) - LAST_USE_SLACK_MS}`.execute(db)
    if (Number(texts.numAffectedRows ?? 0) > 0) {
      await sql`insert into ${qualified(names.sweeps)} (id, n) values (1, 1) on conflict (id) do update set n = n + 1`.execute(db)
    }
    return Number(rows.numAffectedRows ?? 0)
  },
  reads: (table, qualified) => ({
    toDate: (ms) => Math.trunc(ms),
    readDate: (date) => date,
    fromDate: (value) => Number(value),
    // A week by its Monday: back six days, then on to the first Monday.
    utcBucket: (bucket) =>
      bucket === 'week'
        ? sql<string>`date(date / 1000, 'unixepoch', '-6 days', 'weekday 1')`
        : sql<string>`substr(${utcText(sql.ref('date'))}, 1, ${sql.lit(BUCKET_TEXT_LENGTH[bucket])})`,
    // By id: the text is looked up once per group rather than per row.
    groupKey: (column) => sql.ref(IN_DICTIONARY.has(column) ? idColumn(column) : column),
    textEquals: (column, value) => sql`${sql.ref(idColumn(column))} = (select id from ${qualified(compactTableNames(table).text)} where value = ${value})`,
  }),
}
