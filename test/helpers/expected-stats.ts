import type { RequestRecord } from '../../src/record/request-record.js'

/** Nearest-rank percentile, computed the slow obvious way for comparison. */
export function percentileOf(values: number[], percent: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.ceil((percent / 100) * sorted.length) - 1] as number
}

/** The known response times (imported rows may have none). */
function timesOf(records: RequestRecord[]): number[] {
  return records.map((record) => record.response_time).filter((time): time is number => time !== null)
}

function average(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length
}

function countBy<K>(records: RequestRecord[], key: (record: RequestRecord) => K): Map<K, number> {
  const counts = new Map<K, number>()
  for (const record of records) counts.set(key(record), (counts.get(key(record)) ?? 0) + 1)
  return counts
}

export type Bucket = 'minute' | 'hour' | 'day' | 'week' | 'month'

/** The ISO instant a point of `bucket` holding `ms` starts at (UTC; weeks on Monday), worked out by hand. */
export function pointStart(ms: number, bucket: Bucket): string {
  const date = new Date(ms)
  const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()]
  if (bucket === 'month') return new Date(Date.UTC(year, month, 1)).toISOString()
  if (bucket === 'week') return new Date(Date.UTC(year, month, day - ((date.getUTCDay() + 6) % 7))).toISOString()
  const length = { day: 10, hour: 13, minute: 16 }[bucket]
  return new Date(`${date.toISOString().slice(0, length)}${'T00:00:00.000Z'.slice(length - 10)}`).toISOString()
}

/**
 * The numbers `/api/stats` should answer for `records` (already filtered to the range), from plain
 * JS; `buckets` per time bucket of `bucket`, keyed by the point's `t` (see {@link pointStart}).
 */
export function expectedStats(records: RequestRecord[], bucket: Bucket = 'day') {
  const times = timesOf(records)
  const byPath = new Map<string, RequestRecord[]>()
  for (const record of records) byPath.set(record.path, [...(byPath.get(record.path) ?? []), record])
  const byBucket = new Map<string, RequestRecord[]>()
  for (const record of records) {
    const key = pointStart(record.date, bucket)
    byBucket.set(key, [...(byBucket.get(key) ?? []), record])
  }
  const places = new Map<string, Map<string, number>>()
  for (const record of records) {
    if (record.exception === null) continue
    const place = record.route ?? record.path
    const counts = places.get(record.exception) ?? new Map<string, number>()
    counts.set(place, (counts.get(place) ?? 0) + 1)
    places.set(record.exception, counts)
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
    platforms: countBy(records, (record) => record.platform),
    mimetypes: countBy(records, (record) => record.mimetype),
    referrers: countBy(records, (record) => record.referrer),
    routes: countBy(records, (record) => record.route),
    instances: countBy(records, (record) => record.instance),
    versions: countBy(records, (record) => record.version),
    exceptions: countBy(
      records.filter((record) => record.exception !== null),
      (record) => record.exception,
    ),
    /** Where each exception happened most (ties: the first place in sort order). */
    exceptionPlaces: new Map(
      [...places].map(([exception, counts]) => {
        const [place] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0] as [string, number]
        return [exception, place]
      }),
    ),
    paths: new Map(
      [...byPath].map(([path, rows]) => [
        path,
        {
          count: rows.length,
          uniqueHits: new Set(rows.map((row) => row.remote_address)).size,
          errors: rows.filter((row) => row.status_code >= 500).length,
          avgResponseTime: average(timesOf(rows)),
          p95ResponseTime: percentileOf(timesOf(rows), 95),
          lastRequested: new Date(Math.max(...rows.map((row) => row.date))).toISOString(),
        },
      ]),
    ),
    buckets: new Map(
      [...byBucket].map(([key, rows]) => [
        key,
        {
          hits: rows.length,
          uniqueHits: new Set(rows.map((row) => row.remote_address)).size,
          errors: rows.filter((row) => row.status_code >= 500).length,
          p50ResponseTime: percentileOf(timesOf(rows), 50),
          p95ResponseTime: percentileOf(timesOf(rows), 95),
          p99ResponseTime: percentileOf(timesOf(rows), 99),
        },
      ]),
    ),
  }
}
