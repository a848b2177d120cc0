import type { RequestRecord } from '../../src/record/request-record.js'

/** Nearest-rank percentile, computed the slow obvious way for comparison. */
export function percentileOf(values: number[], percent: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.ceil((percent / 100) * sorted.length) - 1] as number
}

function average(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length
}

function countBy<K>(records: RequestRecord[], key: (record: RequestRecord) => K): Map<K, number> {
  const counts = new Map<K, number>()
  for (const record of records) counts.set(key(record), (counts.get(key(record)) ?? 0) + 1)
  return counts
}

/** The numbers `/api/stats` should answer for `records` (already filtered to the range), from plain JS. */
export function expectedStats(records: RequestRecord[]) {
  const times = records.map((record) => record.response_time)
  const byPath = new Map<string, RequestRecord[]>()
  for (const record of records) byPath.set(record.path, [...(byPath.get(record.path) ?? []), record])
  const byDay = new Map<string, RequestRecord[]>()
  for (const record of records) {
    const day = new Date(record.date).toISOString().slice(0, 10)
    byDay.set(day, [...(byDay.get(day) ?? []), record])
  }
  return {
    hits: records.length,
    uniqueHits: new Set(records.map((record) => record.remote_address)).size,
    errors: records.filter((record) => record.status_code >= 500).length,
    bytes: records.reduce((sum, record) => sum + record.size, 0),
    responseTime: {
      avg: average(times),
      p50: percentileOf(times, 50),
      p95: percentileOf(times, 95),
      p99: percentileOf(times, 99),
      max: times.length === 0 ? null : Math.max(...times),
    },
    statusCodes: countBy(records, (record) => record.status_code),
    methods: countBy(records, (record) => record.method),
    browsers: countBy(records, (record) => record.browser),
    referrers: countBy(records, (record) => record.referrer),
    routes: countBy(records, (record) => record.route),
    exceptions: countBy(
      records.filter((record) => record.exception !== null),
      (record) => record.exception,
    ),
    paths: new Map(
      [...byPath].map(([path, rows]) => [
        path,
        {
          count: rows.length,
          uniqueHits: new Set(rows.map((row) => row.remote_address)).size,
          errors: rows.filter((row) => row.status_code >= 500).length,
          avgResponseTime: average(rows.map((row) => row.response_time)),
          p95ResponseTime: percentileOf(rows.map((row) => row.response_time), 95),
          lastRequested: new Date(Math.max(...rows.map((row) => row.date))).toISOString(),
        },
      ]),
    ),
    days: new Map(
      [...byDay].map(([day, rows]) => [
        day,
        {
          hits: rows.length,
          uniqueHits: new Set(rows.map((row) => row.remote_address)).size,
          errors: rows.filter((row) => row.status_code >= 500).length,
          p95ResponseTime: percentileOf(rows.map((row) => row.response_time), 95),
        },
      ]),
    ),
  }
}
