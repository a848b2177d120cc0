import { parseDuration } from '../core/duration.js'
import { CliError, EXIT } from './cli-error.js'
import { type DatabaseArgs, databaseName, openCliStore } from './open-cli-store.js'

export interface PruneOptions extends DatabaseArgs {
  olderThan: string
  rollupsOlderThan?: string
}

/** Deletes the raw rows (and, if asked, the rollups) older than the durations given, as the retention job would. */
export async function pruneCommand(database: string, options: PruneOptions): Promise<void> {
  const now = Date.now()
  const before = now - duration(options.olderThan, '--older-than')
  const rollupsBefore = options.rollupsOlderThan === undefined ? undefined : now - duration(options.rollupsOlderThan, '--rollups-older-than')
  const store = await openCliStore(database, options, 'existing')
  try {
    // Rollups first, as the retention job does: compacted days whose rollups go need no rebuilding.
    const cells = rollupsBefore === undefined ? undefined : await store.pruneRollups(rollupsBefore)
    const deleted = await store.prune(before)
    console.log(`statgraph: deleted ${deleted} rows from before ${new Date(before).toISOString()} in ${databaseName(database)}`)
    if (rollupsBefore !== undefined) console.log(`statgraph: deleted ${cells} rollup cells from before ${new Date(rollupsBefore).toISOString()}`)
  } finally {
    await store.close()
  }
}

function duration(text: string, option: string): number {
  try {
    return parseDuration(text, option)
  } catch (error) {
    throw new CliError((error as Error).message.replace(/^statgraph: /, ''), EXIT.usage)
  }
}
