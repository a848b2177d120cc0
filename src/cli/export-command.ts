import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import type { Writable } from 'node:stream'
import { csvRows, toCsv } from '../dashboard/csv.js'
import { exportRow, REQUEST_COLUMNS } from '../dashboard/export-row.js'
import { parseRequestsQuery } from '../stats/query/requests-query.js'
import { CliError, EXIT } from './cli-error.js'
import { type DatabaseArgs, openCliStore } from './open-cli-store.js'
import { Progress } from './progress.js'
import { parsed, type RangeArgs, rangeParams } from './range-args.js'

export interface ExportOptions extends DatabaseArgs, RangeArgs {
  format: string
  out?: string | undefined
  days: string
}

const FORMATS = ['csv', 'json', 'ndjson'] as const
type Format = (typeof FORMATS)[number]

/** Streams every row of a range to a file or stdout, a page at a time: flat memory at any size. */
export async function exportCommand(database: string, options: ExportOptions): Promise<number> {
  const format = options.format as Format
  if (!FORMATS.includes(format)) throw new CliError(`--format must be one of ${FORMATS.join(', ')}, not "${options.format}"`, EXIT.usage)
  const query = parsed(() => parseRequestsQuery(rangeParams(options), { defaultDateSpan: Number(options.days) }))
  const store = await openCliStore(database, options, 'existing')
  const out: Writable = options.out === undefined ? process.stdout : createWriteStream(options.out)
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain')
  }
  let written = 0
  try {
    const { total } = await store.requests({ ...query, limit: 1, offset: 0 })
    const progress = new Progress('exporting', total)
    if (format === 'csv') await write(toCsv(REQUEST_COLUMNS, []))
    if (format === 'json') await write('[')
    for await (const page of store.eachPage(query)) {
      const rows = page.map(exportRow)
      if (format === 'csv') await write(csvRows(REQUEST_COLUMNS, rows))
      else if (format === 'ndjson') await write(rows.map((row) => `${JSON.stringify(row)}\n`).join(''))
      else await write(rows.map((row, i) => `${written + i === 0 ? '\n' : ',\n'}${JSON.stringify(row)}`).join(''))
      written += page.length
      progress.update(written)
    }
    if (format === 'json') await write(written === 0 ? ']\n' : '\n]\n')
    progress.done()
  } finally {
    await store.close()
    if (out !== process.stdout) {
      out.end()
      await once(out, 'close')
    }
  }
  if (options.out !== undefined) console.error(`statgraph: exported ${written} rows to ${options.out}`)
  return written
}
