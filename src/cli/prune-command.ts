import { parseDuration } from '../core/duration.js'
import { CliError, EXIT } from './cli-error.js'
import { type DatabaseArgs, databaseName, openCliStore } from './open-cli-store.js'

export interface PruneOptions extends DatabaseArgs {
  olderThan: string
}

/** Deletes the rows older than the duration given, as the retention job would. */
export async function pruneCommand(database: string, options: PruneOptions): Promise<void> {
  let age: number
  try {
    age = parseDuration(options.olderThan, '--older-than')
  } catch (error) {
    throw new CliError((error as Error).message.replace(/^statgraph: /, ''), EXIT.usage)
  }
  const before = Date.now() - age
  const store = await openCliStore(database, options, 'existing')
  try {
    const deleted = await store.prune(before)
    console.log(`statgraph: deleted ${deleted} rows from before ${new Date(before).toISOString()} in ${databaseName(database)}`)
  } finally {
    await store.close()
  }
}
