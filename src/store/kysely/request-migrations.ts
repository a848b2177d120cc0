import { type Kysely, type Migration, sql } from 'kysely'
import { schemaSteps } from './schema-steps.js'
import type { SqlFlavor } from './sql-flavor.js'
import { SEED_COLUMNS } from './request-table.js'
import { rollupTableNames } from './rollup-tables.js'
import { deploymentTableNames } from './deployment-tables.js'
import { withCounters, writerRollupsMigration } from './writer-rollups-migration.js'

/**
 * The statistics table's versions, the same steps on every engine in its own column types. Each
 * step only adds: a table made by an older statgraph — or one Flask-Statgraph made with the same
 * columns — keeps its rows. Kysely's migrator runs them once, under the engine's migration lock.
 *
 * Each step also skips what is already there: MySQL commits DDL at once, outside any transaction, so
 * a connection lost halfway leaves a step applied but not recorded, and running it again must work.
 */
export function requestMigrations(
  table: string,
  flavor: SqlFlavor,
  schema: string | undefined,
  /** Builds the rollups from the raw rows already in the table (into empty rollup tables). */
  buildRollups: (db: Kysely<unknown>) => Promise<void>,
): Record<string, Migration> {
  const types = flavor.columns
  const { createIndex, findTable, hasColumn, made } = schemaSteps(flavor, schema)
  const qualified = (name: string) => sql.table(schema === undefined ? name : `${schema}.${name}`)
  // Which instance served each request and which version of the app it ran (older rows have
  // neither); added by 0010, and before 0006 builds rollups from the raw rows, which reads them.
  const addIdentityColumns = async (db: Kysely<unknown>) => {
    for (const column of ['instance', 'version']) {
      if (!(await hasColumn(db, column, table))) await db.schema.alterTable(table).addColumn(column, types.text).execute()
    }
  }
  return {
    '0001_create_request_table': {
      // The seed's columns, as Flask-Statgraph's model declares them.
      async up(db: Kysely<unknown>) {
        let create = db.schema
          .createTable(table)
          .ifNotExists()
          .addColumn('index', types.id, (column) => (flavor.autoIncrement ? column.primaryKey().autoIncrement() : column.primaryKey()))
        for (const [name, kind] of SEED_COLUMNS) create = create.addColumn(name, types[kind])
        await made(create)
      },
    },
    '0002_bot_column_and_date_index': {
      async up(db: Kysely<unknown>) {
        if (!(await hasColumn(db, 'bot', table))) {
          await db.schema
            .alterTable(table)
            .addColumn('bot', types.boolean, (column) => column.notNull().defaultTo(flavor.toBoolean(false)))
            .execute()
        }
        await createIndex(db, `${table}_date`, table, ['date'])
      },
    },
    '0003_route_column': {
      async up(db: Kysely<unknown>) {
        if (!(await hasColumn(db, 'route', table))) await db.schema.alterTable(table).addColumn('route', types.text).execute()
      },
    },
    '0004_import_ledger': {
      // Access-log files imported by `statgraph import`, so that the same file is not counted twice.
      async up(db: Kysely<unknown>) {
        await made(
          db.schema
            .createTable(`${table}_statgraph_import`)
            .ifNotExists()
            .addColumn('fingerprint', sql`varchar(64)`, (column) => column.primaryKey())
            .addColumn('source', types.text)
            .addColumn('line_count', types.integer)
            .addColumn('imported_at', types.date),
        )
      },
    },
    '0005_rollups': {
      // Cells per grain × bucket × group × value, visitors per grain × bucket, and the one row every
      // rollup write locked first (0006 moves their rows to the tables that replaced them, or builds
      // them from the raw rows).
      async up(db: Kysely<unknown>) {
        // The writers' rollups that replaced these are there already (tables made by the app's own
        // migrations, without statgraph's ledger): made now, these would have 0006 count rollups again.
        if (await findTable(db, rollupTableNames(table).cells)) return
        // A cell's key, group first: one group's cells over a range are neighbours (counters, read
        // by range), or one value's cells are (sketches, read for listed values).
        const cellTable = (name: string, order: ('grain' | 'dim' | 'bucket' | 'kh')[]) =>
          db.schema
            .createTable(name)
            .ifNotExists()
            .addColumn('grain', types.integer, (column) => column.notNull())
            .addColumn('bucket', types.integer, (column) => column.notNull())
            .addColumn('dim', sql`varchar(16)`, (column) => column.notNull())
            .addColumn('kh', sql`varchar(24)`, (column) => column.notNull())
            .addPrimaryKeyConstraint(`${name}_pk`, order)
        await made(
          withCounters(cellTable(`${table}_rollup`, ['grain', 'dim', 'bucket', 'kh']), types).addColumn('visitor_count', types.integer, (column) =>
            column.notNull(),
          ),
          true,
        )
        // The listed paths' counters over a range, without scanning every path's.
        await createIndex(db, `${table}_rollup_value`, `${table}_rollup`, ['grain', 'dim', 'kh', 'bucket'])
        const sketchTable = cellTable(`${table}_rollup_sketch`, ['grain', 'dim', 'kh', 'bucket'])
        await made(sketchTable.addColumn('histogram', types.text).addColumn('visitors', types.text), true)
        await made(
          db.schema
            .createTable(`${table}_visitor`)
            .ifNotExists()
            .addColumn('grain', types.integer, (column) => column.notNull())
            .addColumn('bucket', types.integer, (column) => column.notNull())
            .addColumn('visitor', sql`varchar(64)`, (column) => column.notNull())
            .addPrimaryKeyConstraint(`${table}_visitor_pk`, ['grain', 'bucket', 'visitor']),
          true,
        )
        await made(
          db.schema
            .createTable(`${table}_statgraph_lock`)
            .ifNotExists()
            .addColumn('id', types.integer, (column) => column.primaryKey())
            .addColumn('n', types.integer, (column) => column.notNull()),
        )
        await sql`insert into ${qualified(`${table}_statgraph_lock`)} (id, n) values (1, 0) ${flavor.skipDuplicates(['id'])}`.execute(db)
      },
    },
    '0006_writer_rollups': writerRollupsMigration({
      table,
      flavor,
      qualified,
      tableExists: async (db, name) => (await findTable(db, name)) !== undefined,
      createIndex,
      buildRollups: async (db) => {
        await addIdentityColumns(db)
        await buildRollups(db)
      },
    }),
    '0007_day_visitors': {
      // A sealed day's distinct visitors, counted once when it is sealed, and the days late requests
      // added visitors to since: a month's answer reads 30 numbers (and counts the few late
      // visitors) instead of counting hundreds of thousands of visitor rows.
      async up(db: Kysely<unknown>) {
        const names = rollupTableNames(table)
        if (!(await hasColumn(db, 'visitors', names.days))) await db.schema.alterTable(names.days).addColumn('visitors', types.integer).execute()
        await made(
          db.schema
            .createTable(names.late)
            .ifNotExists()
            .addColumn('day', types.integer, (column) => column.notNull())
            .addColumn('writer', sql`varchar(24)`, (column) => column.notNull())
            .addPrimaryKeyConstraint(`${names.late}_pk`, ['day', 'writer'] as never),
        )
        const [days, visitors] = [qualified(names.days), qualified(names.visitors)]
        await sql`update ${days} set visitors = (select count(*) from ${visitors} v
          where v.grain = 24 and v.bucket = ${days}.day and v.writer = '') where sealed = ${flavor.toBoolean(true)}`.execute(db)
        await sql`delete from ${qualified(names.late)}`.execute(db)
        await sql`insert into ${qualified(names.late)} (day, writer)
          select distinct bucket, writer from ${visitors} where grain = 24 and writer <> ''`.execute(db)
      },
    },
    '0008_sketches_apart': {
      // Where the engine keeps large rows better apart (see SqlFlavor.largeRowsApart), the sketch
      // table 0006 made clustered is made again in insertion order, with a unique index on its key.
      async up(db: Kysely<unknown>) {
        if (flavor.largeRowsApart !== true) return
        const { sketches } = rollupTableNames(table)
        const rebuilt = `${sketches}_apart`
        await sql`drop table if exists ${qualified(rebuilt)}`.execute(db)
        await made(
          db.schema
            .createTable(rebuilt)
            .addColumn('grain', types.integer, (column) => column.notNull())
            .addColumn('dim', sql`varchar(16)`, (column) => column.notNull())
            .addColumn('bucket', types.integer, (column) => column.notNull())
            .addColumn('kh', sql`varchar(24)`, (column) => column.notNull())
            .addColumn('writer', sql`varchar(24)`, (column) => column.notNull())
            .addColumn('histogram', types.text)
            .addColumn('visitors', types.text),
        )
        await sql`insert into ${qualified(rebuilt)} (grain, dim, bucket, kh, writer, histogram, visitors)
          select grain, dim, bucket, kh, writer, histogram, visitors from ${qualified(sketches)}`.execute(db)
        await db.schema.dropTable(sketches).execute()
        await db.schema.alterTable(rebuilt).renameTo(sketches).execute()
        // Unique: writers' upserts name the key as their conflict target.
        await db.schema.createIndex(`${sketches}_key`).on(sketches).columns(['grain', 'dim', 'kh', 'bucket', 'writer']).unique().execute()
      },
    },
    '0009_incremental_import': {
      // The import ledger keeps, per log content, the hash of its first line (to find its copies)
      // and of the lines imported so far: a grown or rotated log is read from where it was left.
      async up(db: Kysely<unknown>) {
        const ledger = `${table}_statgraph_import`
        for (const column of ['head', 'prefix']) {
          if (!(await hasColumn(db, column, ledger))) await db.schema.alterTable(ledger).addColumn(column, sql`varchar(64)`).execute()
        }
        await createIndex(db, `${ledger}_head`, ledger, ['head'])
      },
    },
    '0010_instance_and_version': { up: addIdentityColumns },
    '0011_releases_annotations_runtime': {
      // Versions' first and last requests per writer, notes on the time axis, and runtime samples.
      async up(db: Kysely<unknown>) {
        const names = deploymentTableNames(table)
        const key = sql`varchar(128)`
        await made(
          db.schema
            .createTable(names.releases)
            .ifNotExists()
            .addColumn('version', key, (column) => column.notNull())
            .addColumn('writer', sql`varchar(24)`, (column) => column.notNull())
            .addColumn('first_seen', types.integer, (column) => column.notNull())
            .addColumn('last_seen', types.integer, (column) => column.notNull())
            .addColumn('hits', types.integer, (column) => column.notNull())
            .addPrimaryKeyConstraint(`${names.releases}_pk`, ['version', 'writer'] as never),
        )
        await made(
          db.schema
            .createTable(names.annotations)
            .ifNotExists()
            .addColumn('id', types.id, (column) => (flavor.autoIncrement ? column.primaryKey().autoIncrement() : column.primaryKey()))
            .addColumn('at', types.integer, (column) => column.notNull())
            .addColumn('text', types.text, (column) => column.notNull()),
        )
        await createIndex(db, `${names.annotations}_at`, names.annotations, ['at'])
        await made(
          db.schema
            .createTable(names.runtime)
            .ifNotExists()
            .addColumn('instance', key, (column) => column.notNull())
            .addColumn('at', types.integer, (column) => column.notNull())
            .addColumn('loop_p50', types.real)
            .addColumn('loop_p99', types.real)
            .addColumn('heap_used', types.integer)
            .addColumn('rss', types.integer)
            .addColumn('cpu', types.real)
            .addPrimaryKeyConstraint(`${names.runtime}_pk`, ['instance', 'at'] as never),
          true,
        )
        await createIndex(db, `${names.runtime}_at`, names.runtime, ['at'])
      },
    },
    '0012_compact_rows': {
      // Where the engine keeps raw rows compact (SQLite), the table becomes a view over them.
      async up(db: Kysely<unknown>) {
        await flavor.rawLayout?.make(db, table, qualified)
      },
    },
    '0013_compacted_days': {
      // Sealed days noted for compaction, compacted (their hours keep only whole-traffic cells, their
      // groups read from raw rows) or left whole (see DayCompactor).
      async up(db: Kysely<unknown>) {
        const { compact } = rollupTableNames(table)
        await made(
          db.schema
            .createTable(compact)
            .ifNotExists()
            .addColumn('day', types.integer, (column) => column.primaryKey())
            .addColumn('state', types.integer, (column) => column.notNull())
            .addColumn('noted_at', types.integer, (column) => column.notNull()),
        )
      },
    },
  }
}
