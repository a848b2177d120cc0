import { ReaderThread } from '../dashboard/reader-thread.js'
import type { Logger } from '../log/logger.js'
import type { RecordOptions } from '../record/to-request-record.js'
import { WriterThread } from '../recorder/writer-thread.js'
import { type DatabaseOption, type TableName, threadableDatabase } from '../store/open-store.js'
import { sqliteFile } from '../store/sqlite/sqlite-engine.js'

/** statgraph's worker threads for a `database`: each is undefined where statgraph works on the app's thread. */
export interface StatgraphThreads {
  writer: WriterThread | undefined
  reader: ReaderThread | undefined
}

/**
 * A SQLite file or a server's URL is written from a worker thread; a database handle the app passed
 * in, or an in-memory one, can only be written where it lives (asynchronously on a server). A SQLite
 * file is read from a worker thread too: better-sqlite3 would run the dashboard's queries and exports
 * on the app's thread. Where the worker files are missing (statgraph bundled into the app), both
 * jobs fall back to the app's thread, with one warning naming the fix.
 */
export function statgraphThreads(database: DatabaseOption, store: TableName, record: RecordOptions, logger: Logger): StatgraphThreads {
  const threadable = threadableDatabase(database)
  const file = sqliteFile(database)
  const writerFile = threadable === undefined ? undefined : WriterThread.file()
  const readerFile = file === undefined ? undefined : ReaderThread.file()
  if ((threadable !== undefined && writerFile === undefined) || (file !== undefined && readerFile === undefined)) {
    logger.warn(
      'statgraph: its worker thread files were not found (is statgraph bundled into the app?); the statistics are written' +
        " and read on the app's thread instead, which slows its requests. Keep statgraph out of the bundle" +
        " (esbuild: --external:statgraph, or packages: 'external') and install it where the bundle runs.",
    )
  }
  return {
    writer: threadable === undefined || writerFile === undefined ? undefined : new WriterThread(writerFile, { ...store, database: threadable, record }),
    reader: file === undefined || readerFile === undefined ? undefined : new ReaderThread(readerFile, { ...store, database: file }),
  }
}
