import { type CreateTableBuilder, type Kysely, type Migration, type RawBuilder, sql } from 'kysely'
import { rollupTableNames, rollupTables } from './rollup-tables.js'
import type { ColumnTypes, SqlFlavor } from './sql-flavor.js'

/** A rollup cell's value and counters, as 0005 and 0006 both define them. */
export function withCounters(create: CreateTableBuilder<string>, types: ColumnTypes): CreateTableBuilder<string> {
  return create
    .addColumn('value', types.text)
    .addColumn('hits', types.integer, (column) => column.notNull())
    .addColumn('errors', types.integer, (column) => column.notNull())
    .addColumn('bytes', types.integer, (column) => column.notNull())
    .addColumn('timed', types.integer, (column) => column.notNull())
    .addColumn('time_sum', types.real, (column) => column.notNull())
    .addColumn('time_max', types.real)
    .addColumn('last_at', types.integer, (column) => column.notNull())
}

/** What the migration needs of the set it belongs to. */
export interface MigrationContext {
  table: string
  flavor: SqlFlavor
  /** A table's name in raw SQL, schema-qualified where a schema is given. */
  qualified: (name: string) => RawBuilder<unknown>
  /** Whether a table of this name exists (in the schema). */
  tableExists: (db: Kysely<unknown>, name: string) => Promise<boolean>
  createIndex: (db: Kysely<unknown>, name: string, on: string, columns: string[]) => Promise<void>
  /** Builds the rollups of every raw row into the (empty) new tables, as writer `''`. */
  buildRollups: (db: Kysely<unknown>) => Promise<void>
}

/**
 * Rollups whose rows each belong to one writer, so that instances write without a shared lock,
 * the ledger of batch ids that makes a retried batch count once, and the days table (which days
 * have complete daily cells). The cells of the tables made
 * by 0005 move over as writer `''`; those tables, and the lock row every older writer took first,
 * are dropped — dropping the lock first waits for the older writers' transactions, and fails
 * their later ones whole (they keep their batches and retry until they are upgraded).
 *
 * MySQL commits each DDL statement at once: every step can be run again after a lost connection.
 */
export function writerRollupsMigration(context: MigrationContext): Migration {
  const { table, flavor, qualified } = context
  const types = flavor.columns
  const names = rollupTableNames(table)
  const tables = rollupTables(table, qualified)
  const old = { cells: `${table}_rollup`, sketches: `${table}_rollup_sketch`, visitors: `${table}_visitor`, lock: `${table}_statgraph_lock` }
  return {
    async up(db: Kysely<unknown>) {
      await sql`drop table if exists ${qualified(old.lock)}`.execute(db)
      const clustered = (create: CreateTableBuilder<string>) => (flavor.clusteredTableEnd === undefined ? create : create.modifyEnd(flavor.clusteredTableEnd))
      // A cell's key, group first: one group's cells over a range are neighbours (counters, read by
      // range), or one value's cells are (sketches, read for listed values); the writer last.
      const cellTable = (name: string, order: string[]) =>
        db.schema
          .createTable(name)
          .ifNotExists()
          .addColumn('grain', types.integer, (column) => column.notNull())
          .addColumn('dim', sql`varchar(16)`, (column) => column.notNull())
          .addColumn('bucket', types.integer, (column) => column.notNull())
          .addColumn('kh', sql`varchar(24)`, (column) => column.notNull())
          .addColumn('writer', sql`varchar(24)`, (column) => column.notNull())
          .addPrimaryKeyConstraint(`${name}_pk`, order as never)
      await clustered(withCounters(cellTable(names.cells, ['grain', 'dim', 'bucket', 'kh', 'writer']), types)).execute()
      // The listed paths' counters over a range, without scanning every path's.
      await context.createIndex(db, `${names.cells}_value`, names.cells, ['grain', 'dim', 'kh', 'bucket'])
      await clustered(
        cellTable(names.sketches, ['grain', 'dim', 'kh', 'bucket', 'writer']).addColumn('histogram', types.text).addColumn('visitors', types.text),
      ).execute()
      await clustered(
        db.schema
          .createTable(names.visitors)
          .ifNotExists()
          .addColumn('grain', types.integer, (column) => column.notNull())
          .addColumn('bucket', types.integer, (column) => column.notNull())
          .addColumn('visitor', sql`varchar(64)`, (column) => column.notNull())
          .addColumn('writer', sql`varchar(24)`, (column) => column.notNull())
          .addPrimaryKeyConstraint(`${names.visitors}_pk`, ['grain', 'bucket', 'visitor', 'writer'] as never),
      ).execute()
      let ledger = db.schema
        .createTable(names.batches)
        .ifNotExists()
        .addColumn('id', sql`varchar(64)`, (column) => column.primaryKey())
        .addColumn('at', types.integer, (column) => column.notNull())
      if (flavor.createTableEnd !== undefined) ledger = ledger.modifyEnd(flavor.createTableEnd)
      await ledger.execute()
      await context.createIndex(db, `${names.batches}_at`, names.batches, ['at'])
      await db.schema
        .createTable(names.days)
        .ifNotExists()
        .addColumn('day', types.integer, (column) => column.primaryKey())
        .addColumn('sealed', types.boolean, (column) => column.notNull())
        .execute()

      if (await context.tableExists(db, old.cells)) {
        // Writer '' is the past: what this migration moves over or builds (a run cut short starts again).
        for (const name of [tables.cells, tables.sketches, tables.visitors]) await sql`delete from ${name} where writer = ''`.execute(db)
        const { rows } = await sql`select 1 as found from ${qualified(old.cells)} limit 1`.execute(db)
        if (rows.length > 0) {
          await sql`insert into ${tables.cells} (grain, dim, bucket, kh, writer, value, hits, errors, bytes, timed, time_sum, time_max, last_at)
            select grain, dim, bucket, kh, '', value, hits, errors, bytes, timed, time_sum, time_max, last_at from ${qualified(old.cells)}`.execute(db)
          await sql`insert into ${tables.sketches} (grain, dim, bucket, kh, writer, histogram, visitors)
            select grain, dim, bucket, kh, '', histogram, visitors from ${qualified(old.sketches)}`.execute(db)
          await sql`insert into ${tables.visitors} (grain, bucket, visitor, writer)
            select grain, bucket, visitor, '' from ${qualified(old.visitors)}`.execute(db)
        } else {
          // No rollups yet (a table from before them): built from the raw rows.
          await context.buildRollups(db)
        }
        for (const name of [old.cells, old.sketches, old.visitors]) await sql`drop table if exists ${qualified(name)}`.execute(db)
        // Every day with daily cells has them complete: sealed.
        await sql`delete from ${tables.days}`.execute(db)
        await sql`insert into ${tables.days} (day, sealed) select distinct bucket, ${sql.lit(true)} from ${tables.cells} where grain = 24`.execute(db)
      }
      const texts = [table, `${table}_statgraph_import`, names.cells, names.sketches, names.visitors, names.batches, names.days]
      await flavor.keepTrailingSpaces?.(db, texts.map(qualified))
    },
  }
}
