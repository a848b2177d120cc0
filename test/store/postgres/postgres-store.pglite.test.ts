import { PGlite } from '@electric-sql/pglite'
import { Kysely, sql } from 'kysely'
import { PGliteDialect } from 'kysely-pglite-dialect'
import { postgresFlavor } from '../../../src/store/postgres/postgres-flavor.js'
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js'
import { storeTables } from '../../helpers/test-databases.js'
import { describeStoreConformance } from '../store-conformance.js'

// PostgreSQL compiled to WebAssembly, in this process: the suite passes on a machine without a server.
const pglite = new PGlite()
const db = new Kysely<unknown>({ dialect: new PGliteDialect(pglite) })

describeStoreConformance('PostgreSQL (PGlite)', {
  kysely: db,
  flavor: postgresFlavor,
  open: (table, options) => new PostgresStore({ database: db, table, ...options }),
  async countRows(table) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db)
    return rows[0]?.n ?? 0
  },
  async dropTable(table) {
    for (const name of storeTables(table)) await sql`drop table if exists ${sql.table(name)}`.execute(db)
  },
  async run(statement) {
    await sql.raw(statement).execute(db)
  },
  end: () => db.destroy(),
})
