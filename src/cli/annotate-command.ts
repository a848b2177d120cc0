import { parseAnnotation } from '../stats/query/annotation-input.js'
import { QueryError } from '../stats/query/query-error.js'
import { CliError, EXIT } from './cli-error.js'
import { type DatabaseArgs, databaseName, openCliStore } from './open-cli-store.js'

export interface AnnotateOptions extends DatabaseArgs {
  at?: string
}

/** Puts a note on the dashboard's time axis (a deploy from a CI job, an incident), at `--at` or now. */
export async function annotateCommand(database: string, text: string, options: AnnotateOptions): Promise<void> {
  let note: { at: number; text: string }
  try {
    note = parseAnnotation({ text, at: options.at }, Date.now())
  } catch (error) {
    if (error instanceof QueryError) throw new CliError(error.message.replace('"at"', '--at'), EXIT.usage)
    throw error
  }
  const store = await openCliStore(database, options, 'existing')
  try {
    await store.annotate(note.at, note.text)
    console.log(`statgraph: noted "${note.text}" at ${new Date(note.at).toISOString()} in ${databaseName(database)}`)
  } finally {
    await store.close()
  }
}
