import { type CreateTableBuilder, type Kysely, sql } from 'kysely'
import type { SqlFlavor } from './sql-flavor.js'

/** The steps migrations are made of, each safe to run again (see `requestMigrations`), in `flavor`'s dialect. */
export function schemaSteps(flavor: SqlFlavor, schema: string | undefined) {
  const findTable = async (db: Kysely<unknown>, name: string) => {
    const tables = await db.introspection.getTables()
    return tables.find((candidate) => candidate.name === name && (schema === undefined || candidate.schema === schema))
  }
  return {
    findTable,
    async createIndex(db: Kysely<unknown>, name: string, on: string, columns: string[]): Promise<void> {
      // A table an engine's raw layout made a view (run again after a lost record) has its index elsewhere.
      if (flavor.rawLayout !== undefined && (await findTable(db, on))?.isView === true) return
      const index = db.schema.createIndex(name).on(on).columns(columns)
      // MySQL 8 has no "create index if not exists"; there, with no transaction to spoil, an
      // existing index is recognised by its error.
      if (flavor.indexIfNotExists) await index.ifNotExists().execute()
      else {
        await index.execute().catch((error: unknown) => {
          if (!/duplicate key name/i.test(String(error))) throw error
        })
      }
    },
    async hasColumn(db: Kysely<unknown>, column: string, of: string): Promise<boolean> {
      return (await findTable(db, of))?.columns.some((existing) => existing.name === column) ?? false
    },
    /** A new table with the engine's table options (or its clustered ones), made. */
    made(create: CreateTableBuilder<string>, clustered = false): Promise<void> {
      const ending = clustered ? flavor.clusteredTableEnd : flavor.createTableEnd
      return (ending === undefined ? create : create.modifyEnd(ending)).execute()
    },
    /** A short key column: MySQL indexes no `text`, and a key of up to 255 characters fits its index limit. */
    key: sql`varchar(255)`,
  }
}
