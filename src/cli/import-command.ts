import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import type { RequestRecord } from '../record/request-record.js'
import { toRequestRecord } from '../record/to-request-record.js'
import type { KyselyStore } from '../store/kysely/kysely-store.js'
import { parseAccessLine, LOG_FORMATS, type LogFormat } from './access-log.js'
import { CliError, EXIT } from './cli-error.js'
import { type DatabaseArgs, databaseName, openCliStore } from './open-cli-store.js'
import { Progress } from './progress.js'

export interface ImportOptions extends DatabaseArgs {
  format: string
  database: string
}

/** What one input gave. */
export interface ImportResult {
  source: string
  imported: number
  malformed: number
  /** The first malformed lines' numbers. */
  malformedLines: number[]
  /** Set when the file was imported before and refused. */
  refused?: string
}

const BATCH = 5000
const LISTED_MALFORMED = 10

/**
 * Reads access logs (files, `.gz` too, or `-` for stdin) into the statistics table, streaming:
 * memory stays flat at any size. A file whose content was imported into this table before is
 * refused (its SHA-256 is kept in `<table>_statgraph_import`); stdin is not checked.
 */
export async function importCommand(sources: string[], options: ImportOptions): Promise<ImportResult[]> {
  const format = options.format as LogFormat
  if (!LOG_FORMATS.includes(format)) throw new CliError(`--format must be one of ${LOG_FORMATS.join(', ')}, not "${options.format}"`, EXIT.usage)
  const store = await openCliStore(options.database, options, 'create')
  const results: ImportResult[] = []
  try {
    await store.migrate().catch((error: unknown) => {
      throw new CliError(`cannot prepare ${databaseName(options.database)}: ${error instanceof Error ? error.message : String(error)}`)
    })
    for (const source of sources) results.push(await importOne(store, source, format))
  } finally {
    await store.close()
  }
  return results
}

async function importOne(store: KyselyStore, source: string, format: LogFormat): Promise<ImportResult> {
  const fromStdin = source === '-'
  let fingerprint: string | undefined
  let size = 0
  if (!fromStdin) {
    const info = await stat(source).catch(() => {
      throw new CliError(`no log file at ${source}`, EXIT.usage)
    })
    size = info.size
    fingerprint = await sha256(await openLog(source))
    const before = await store.importedBefore(fingerprint)
    if (before !== undefined) {
      return { source, imported: 0, malformed: 0, malformedLines: [], refused: `imported before, on ${before.importedAt} (from ${before.source})` }
    }
  }
  const raw: Readable = fromStdin ? process.stdin : createReadStream(source)
  const input = !fromStdin && (await isGzip(source)) ? raw.pipe(createGunzip()) : raw
  const progress = new Progress(`importing ${source}`, size, (bytes) => `${Math.round(bytes / 1048576)} MiB`)
  const result: ImportResult = { source, imported: 0, malformed: 0, malformedLines: [] }
  let lineNumber = 0
  let batch: RequestRecord[] = []
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNumber++
    if (line.trim() === '') continue
    const facts = parseAccessLine(line, format)
    if (facts === undefined) {
      result.malformed++
      if (result.malformedLines.length < LISTED_MALFORMED) result.malformedLines.push(lineNumber)
      continue
    }
    batch.push(toRequestRecord(facts, { trustProxy: false }))
    if (batch.length === BATCH) {
      await store.insertBatch(batch)
      result.imported += batch.length
      batch = []
      progress.update(raw.readableEnded ? size : (raw as { bytesRead?: number }).bytesRead ?? 0)
    }
  }
  await store.insertBatch(batch)
  result.imported += batch.length
  progress.done()
  // Recorded only with the rows it gave: a wrong --format must not make the right one look done.
  if (fingerprint !== undefined && result.imported > 0) await store.markImported(fingerprint, source, lineNumber)
  return result
}

/** The log's text, gunzipped if need be: the same log compressed or not has one fingerprint. */
async function openLog(file: string): Promise<Readable> {
  const raw = createReadStream(file)
  return (await isGzip(file)) ? raw.pipe(createGunzip()) : raw
}

async function sha256(input: Readable): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of input) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Gzip by its magic bytes, whatever the file is called. */
async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file)
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(2), 0, 2, 0)
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b
  } finally {
    await handle.close()
  }
}
