import { parseStatsQuery } from '../stats/query/stats-query.js'
import type { RouteStats, Stats } from '../stats/answer/stats.js'
import { formatBytes, formatMs } from '../format/units.js'
import { type DatabaseArgs, databaseName, openCliStore } from './open-cli-store.js'
import { parsed, type RangeArgs, rangeParams } from './range-args.js'

export interface ReportOptions extends DatabaseArgs, RangeArgs {
  json?: boolean
  top: string
  days: string
}

const number = new Intl.NumberFormat('en-US')

/** The main numbers and the top routes of a range, as a terminal table or JSON. */
export async function reportCommand(database: string, options: ReportOptions): Promise<void> {
  const query = parsed(() => parseStatsQuery(rangeParams(options, { top: options.top, bucket: 'day' }), { defaultDateSpan: Number(options.days) }))
  const store = await openCliStore(database, options, 'existing')
  try {
    const stats: Stats = {
      start: query.range.start,
      end: query.range.end,
      from: new Date(query.range.from).toISOString(),
      to: new Date(query.range.to).toISOString(),
      bucket: query.bucket,
      ...(await store.stats(query)),
    }
    console.log(options.json ? JSON.stringify(stats, null, 2) : reportText(stats, databaseName(database)))
  } finally {
    await store.close()
  }
}

function reportText(stats: Stats, source: string): string {
  const errorRate = stats.hits === 0 ? '' : ` (${((stats.errors / stats.hits) * 100).toFixed(1)}%)`
  const t = stats.responseTime
  // By route pattern, unless no request had one (an imported access log, plain node:http): then by path.
  const byRoute = stats.routes.some((route) => route.key !== null)
  const lines = byRoute ? stats.routes : stats.paths
  const text = [
    `statgraph report: ${stats.start} to ${stats.end} (UTC), ${source}`,
    '',
    table([
      ['Hits', number.format(stats.hits)],
      ['Unique visitors', number.format(stats.uniqueHits)],
      ['Errors (5xx)', `${number.format(stats.errors)}${errorRate}`],
      ['Bytes sent', formatBytes(stats.bytes)],
      ['Response time', `avg ${formatMs(t.avg)}, p50 ${formatMs(t.p50)}, p95 ${formatMs(t.p95)}, p99 ${formatMs(t.p99)}, max ${formatMs(t.max)}`],
    ]),
    '',
    table(
      [
        [byRoute ? 'Route' : 'Path', 'Hits', 'Unique', 'Errors', 'p95'],
        ...lines.map((line) => [
          line.key ?? '(no route)',
          number.format(line.count),
          line.uniqueHits === null ? '–' : number.format(line.uniqueHits),
          number.format(line.errors),
          formatMs(line.p95ResponseTime),
        ]),
      ],
      [false, true, true, true, true],
    ),
    ...groupTable('Instance', stats.instances),
    ...groupTable('Version', stats.versions),
    '',
    `Status codes: ${stats.statusCodes.map((entry) => `${entry.key} ${number.format(entry.count)}`).join(', ') || '–'}`,
  ]
  return text.join('\n')
}

/** The lines of a group (instances, versions) with hits, errors and p95; nothing when no request had one. */
function groupTable(title: string, lines: readonly RouteStats[]): string[] {
  if (!lines.some((line) => line.key !== null)) return []
  const rows = lines.map((line) => [
    line.key ?? '(unknown)',
    number.format(line.count),
    number.format(line.errors),
    formatMs(line.p95ResponseTime),
    line.lastRequested,
  ])
  return ['', table([[title, 'Hits', 'Errors', 'p95', 'Last request (UTC)'], ...rows], [false, true, true, true, false])]
}

/** Columns padded to their widest cell; numbers right-aligned. Control characters from strangers are shown escaped. */
function table(rows: string[][], rightAligned: boolean[] = []): string {
  const safe = rows.map((row) => row.map((cell) => JSON.stringify(cell).slice(1, -1)))
  const widths = safe[0]?.map((_, column) => Math.max(...safe.map((row) => (row[column] ?? '').length))) ?? []
  return safe
    .map((row) =>
      row
        .map((cell, column) => (rightAligned[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}
