// The engines bench/ingest compares: statgraph's store on each, and a plain insert of raw rows with
// the engine's own client, the way statgraph inserts them (SQLite: the lock taken with `begin
// immediate`, then one prepared statement run per row; PostgreSQL: one INSERT from unnest of an array per column; MySQL: INSERTs of 1000 rows), in
// one transaction per batch.
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import Database from 'better-sqlite3'
import mysql from 'mysql2/promise'
import pg from 'pg'
import { MysqlStore, PostgresStore, type RequestRecord, SqliteStore, type Store } from 'statgraph'
import { INSERT_COLUMNS } from '../../src/store/kysely/request-table.js'

export const postgresUrl = process.env.STATGRAPH_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
export const mysqlUrl = process.env.STATGRAPH_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test'
/** The SQLite file every writer process of a run shares. */
export const sqliteFile = process.env.STATGRAPH_BENCH_SQLITE ?? join(tmpdir(), 'statgraph-ingest.db')

const COLUMNS = INSERT_COLUMNS
const CHUNK = 1000
const PG_TYPES: Record<(typeof COLUMNS)[number], string> = {
  response_time: 'float8',
  date: 'timestamptz',
  method: 'text',
  size: 'bigint',
  status_code: 'bigint',
  path: 'text',
  user_agent: 'text',
  remote_address: 'text',
  exception: 'text',
  referrer: 'text',
  browser: 'text',
  platform: 'text',
  mimetype: 'text',
  bot: 'boolean',
  route: 'text',
  instance: 'text',
  version: 'text',
}

type Value = string | number | boolean | Date | null

/** An engine as one writer process uses it. */
export interface IngestEngine {
  store: Store
  /** Inserts the records' raw rows in one transaction, nothing else. */
  insertRaw(records: readonly RequestRecord[]): Promise<void>
  end(): Promise<void>
}

function values(record: RequestRecord, date: Value, bot: Value): Value[] {
  return COLUMNS.map((column) => (column === 'date' ? date : column === 'bot' ? bot : record[column]))
}

const utcText = (ms: number) => new Date(ms).toISOString().slice(0, 23).replace('T', ' ')

export async function openEngine(name: string, table: string): Promise<IngestEngine> {
  if (name === 'sqlite') {
    const store = new SqliteStore({ database: sqliteFile, table })
    await store.migrate()
    // As statgraph takes the file's lock: `begin immediate`, tried again every millisecond.
    const db = new Database(sqliteFile, { timeout: 0 })
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    const insert = db.prepare(`insert into ${table} (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`)
    const insertAll = async (records: readonly RequestRecord[]) => {
      for (;;) {
        try {
          db.prepare('begin immediate').run()
          break
        } catch (error) {
          if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error
          await new Promise((resolve) => setTimeout(resolve, 1))
        }
      }
      for (const r of records) insert.run(values(r, utcText(r.date), r.bot ? 1 : 0))
      db.prepare('commit').run()
    }
    return { store, insertRaw: insertAll, end: async () => void db.close() }
  }
  if (name === 'postgres') {
    const store = new PostgresStore({ database: postgresUrl, table })
    const pool = new pg.Pool({ connectionString: postgresUrl, max: 1 })
    return {
      store,
      async insertRaw(records) {
        const client = await pool.connect()
        try {
          await client.query('begin')
          // One array per column through unnest, as statgraph writes PostgreSQL.
          const rows = records.map((r) => values(r, new Date(r.date), r.bot))
          const arrays = COLUMNS.map((_, c) => rows.map((row) => row[c]))
          const casts = COLUMNS.map((column, c) => `$${c + 1}::${PG_TYPES[column]}[]`)
          await client.query(`insert into ${table} (${COLUMNS.join(', ')}) select * from unnest(${casts.join(', ')})`, arrays)
          await client.query('commit')
        } finally {
          client.release()
        }
      },
      end: () => pool.end(),
    }
  }
  if (name === 'mysql') {
    const store = new MysqlStore({ database: mysqlUrl, table })
    const pool = mysql.createPool({ uri: mysqlUrl, connectionLimit: 1 })
    return {
      store,
      async insertRaw(records) {
        const connection = await pool.getConnection()
        try {
          await connection.beginTransaction()
          for (let i = 0; i < records.length; i += CHUNK) {
            const chunk = records.slice(i, i + CHUNK)
            await connection.query(`insert into ${table} (${COLUMNS.map((c) => `\`${c}\``).join(', ')}) values ?`, [
              chunk.map((r) => values(r, utcText(r.date), r.bot ? 1 : 0)),
            ])
          }
          await connection.commit()
        } finally {
          connection.release()
        }
      },
      end: () => pool.end(),
    }
  }
  throw new Error(`unknown engine ${name}; pick from sqlite, postgres, mysql`)
}
