import { stat } from 'node:fs/promises'
import type { Store } from '../../store/store.js'
import { CliError, EXIT } from '../cli-error.js'
import { type DatabaseArgs, databaseName, openCliStore } from '../open-cli-store.js'
import { Progress } from '../progress.js'
import { LOG_FORMATS, type LogFormat } from './access-log.js'
import { freshStart, importedStart } from './imported-start.js'
import { logLines } from './log-lines.js'
import { type ImportResult, LogImport } from './log-import.js'

export interface ImportOptions extends DatabaseArgs {
  format: string
  database: string
}

/**
 * Reads access logs (files, `.gz` too, or `-` for stdin) into the statistics table, streaming:
 * memory stays flat at any size. Each file is read from where an earlier import of its content
 * left off (see {@link LogImport}); stdin is not checked.
 */
export async function importCommand(sources: string[], options: ImportOptions): Promise<ImportResult[]> {
  const format = logFormat(options.format)
  return withImportStore(options, async (store) => {
    const results: ImportResult[] = []
    for (const source of sources) results.push(await importLog(store, source, format))
    return results
  })
}

export function logFormat(format: string): LogFormat {
  if (!LOG_FORMATS.includes(format as LogFormat)) throw new CliError(`--format must be one of ${LOG_FORMATS.join(', ')}, not "${format}"`, EXIT.usage)
  return format as LogFormat
}

/** Runs `work` on the import's database, created or upgraded first, and closes it after. */
export async function withImportStore<T>(options: ImportOptions, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openCliStore(options.database, options, 'create')
  try {
    await store.migrate().catch((error: unknown) => {
      throw new CliError(`cannot prepare ${databaseName(options.database)}: ${error instanceof Error ? error.message : String(error)}`)
    })
    return await work(store)
  } finally {
    await store.close()
  }
}

/** Imports the lines of `source` that no earlier import read. */
export async function importLog(store: Store, source: string, format: LogFormat): Promise<ImportResult> {
  const fromStdin = source === '-'
  let size = 0
  if (!fromStdin) {
    const info = await stat(source).catch(() => {
      throw new CliError(`no log file at ${source}`, EXIT.usage)
    })
    size = info.size
  }
  const start = fromStdin ? freshStart() : await importedStart(store, logLines(source))
  const run = new LogImport(store, format, source, start, !fromStdin)
  const progress = new Progress(`importing ${source}`, size, (bytes) => `${Math.round(bytes / 1048576)} MiB`)
  let skip = start.lines
  let bytes = 0
  for await (const line of logLines(source)) {
    bytes += line.length + 1
    if (skip > 0) {
      skip--
      continue
    }
    await run.add(line)
    progress.update(bytes)
  }
  await run.flush()
  progress.done()
  return run.result
}
