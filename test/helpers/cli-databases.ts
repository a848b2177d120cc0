import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { KyselyStore } from '../../src/store/kysely/kysely-store.js'
import { openStore } from '../../src/store/open-store.js'
import { serverUrl, storeTables } from './test-databases.js'

/** A database a test points the `statgraph` command at, on one engine, with a table of its own. */
export interface CliDatabase {
  /** The command's arguments naming it: the file or URL, and the table. */
  database: string
  table: string
  /** Hits per path in its table. */
  paths(): Promise<Map<string, number>>
  /** Drops its tables. */
  drop(): Promise<void>
}

/** Each engine the command runs on: a SQLite file in `dir`, and the PostgreSQL and MariaDB servers the environment names. */
export function cliEngines(dir: string): { engine: string; make: (() => CliDatabase) | undefined }[] {
  const server = (url: string | undefined, dropTable: (url: string, name: string) => Promise<void>) =>
    url === undefined ? undefined : () => cliDatabase(url, `cli_${randomBytes(4).toString('hex')}`, (name) => dropTable(url, name))
  return [
    { engine: 'SQLite', make: () => cliDatabase(join(dir, `${randomBytes(4).toString('hex')}.db`), 'request') },
    {
      engine: 'PostgreSQL',
      make: server(serverUrl('STATGRAPH_TEST_POSTGRES_URL'), async (url, name) => {
        const client = new pg.Client({ connectionString: url })
        await client.connect()
        await client.query(`drop table if exists ${name}`).finally(() => client.end())
      }),
    },
    {
      engine: 'MariaDB',
      make: server(serverUrl('STATGRAPH_TEST_MYSQL_URL'), async (url, name) => {
        const connection = await mysql.createConnection({ uri: url })
        await connection.query(`drop table if exists \`${name}\``).finally(() => connection.end())
      }),
    },
  ]
}

/** The database at `location` (a file or URL), table `table`. */
export function cliDatabase(location: string, table: string, dropTable: (name: string) => Promise<void> = async () => undefined): CliDatabase {
  return {
    database: location,
    table,
    async paths() {
      const store = openStore(location, { table })
      if (!(store instanceof KyselyStore)) throw new Error('expected a KyselyStore')
      const counts = new Map<string, number>()
      try {
        for await (const page of store.eachPage({ range: { from: 0, to: Date.now() + 86_400_000 }, filters: {} })) {
          for (const row of page) counts.set(row.path, (counts.get(row.path) ?? 0) + 1)
        }
      } finally {
        await store.close()
      }
      return counts
    },
    async drop() {
      for (const name of storeTables(table)) await dropTable(name)
    },
  }
}
