import { existsSync } from 'node:fs'
import { openStore } from '../store/open-store.js'
import type { Store } from '../store/store.js'
import { sqliteFile } from '../store/sqlite/sqlite-engine.js'
import { CliError, EXIT } from './cli-error.js'

export interface DatabaseArgs {
  table: string
  schema?: string | undefined
}

/** A database for messages: a URL's password is never printed. */
export function databaseName(database: string): string {
  return database.replace(/^([a-z]+:\/\/[^:/@]*:)[^@]*@/i, '$1***@')
}

/**
 * The store for a command's database argument. `existing`: the database must already hold the
 * statistics table — a missing file is not created, a foreign one not migrated; `create`: made if
 * missing (import).
 */
export async function openCliStore(database: string, args: DatabaseArgs, mode: 'existing' | 'create'): Promise<Store> {
  const file = sqliteFile(database)
  if (mode === 'existing' && file !== undefined && !existsSync(file)) {
    throw new CliError(`no database file at ${file}`, EXIT.usage)
  }
  const store = openStore(database, args)
  if (mode === 'create') return store
  let exists: boolean
  try {
    exists = await store.exists()
  } catch (error) {
    await store.close().catch(() => undefined)
    // A local file that cannot be read is a wrong argument; a server that does not answer, a failure.
    const reason = error instanceof Error ? error.message : String(error)
    throw new CliError(`cannot read ${databaseName(database)}: ${reason}`, file === undefined ? EXIT.failed : EXIT.usage)
  }
  if (!exists) {
    await store.close()
    throw new CliError(`${databaseName(database)} has no table "${args.table}": not a statgraph database, or its table has another name (--table)`, EXIT.usage)
  }
  return store
}
