import type { RecorderCounts } from '../recorder/recorder.js'
import { DURATION_BUCKETS, type HistogramCounts, type HttpHistograms, type HttpSeries, SIZE_BUCKETS } from './http-histograms.js'

/** The exposition format's content type (Prometheus text format 0.0.4). */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/** A label value as the format quotes it: backslash, double quote and line feed escaped. */
const quoted = (value: string) => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`

/**
 * The Prometheus text exposition of `histograms` and the recorder's `counts`, every series labelled
 * with `identity` (the instance, and the version when known). Written here rather than through
 * prom-client: the histograms are kept in typed arrays on the request path (see `bench/metrics.ts`
 * for the two measured side by side), and the format is a few lines of text.
 */
export function prometheusText(histograms: HttpHistograms, counts: RecorderCounts, identity: { instance: string; version: string | null }): string {
  const own = `instance=${quoted(identity.instance)}${identity.version === null ? '' : `,version=${quoted(identity.version)}`}`
  const lines: string[] = []
  const histogram = (name: string, help: string, bounds: readonly number[], pick: (series: HttpSeries) => HistogramCounts) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`)
    for (const series of histograms.series()) {
      const values = pick(series)
      if (values.count === 0) continue
      const labels = `http_request_method=${quoted(series.method)},http_response_status_code="${series.status}",http_route=${quoted(series.route)},${own}`
      let cumulative = 0
      for (let i = 0; i <= bounds.length; i++) {
        cumulative += values.buckets[i] as number
        lines.push(`${name}_bucket{${labels},le="${i === bounds.length ? '+Inf' : String(bounds[i])}"} ${cumulative}`)
      }
      lines.push(`${name}_sum{${labels}} ${values.sum}`, `${name}_count{${labels}} ${values.count}`)
    }
  }
  histogram('http_server_request_duration_seconds', 'Duration of HTTP server requests.', DURATION_BUCKETS, (series) => series.duration)
  histogram('http_server_response_body_size_bytes', 'Size of HTTP server response bodies.', SIZE_BUCKETS, (series) => series.responseSize)
  histogram(
    'http_server_request_body_size_bytes',
    'Size of HTTP server request bodies (as declared by Content-Length).',
    SIZE_BUCKETS,
    (series) => series.requestSize,
  )
  const single = (name: string, type: 'counter' | 'gauge', help: string, value: number) =>
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name}{${own}} ${value}`)
  single('statgraph_requests_written_total', 'counter', 'Requests statgraph wrote to its database.', counts.written)
  single('statgraph_requests_buffered', 'gauge', 'Requests statgraph holds in memory, not yet written.', counts.buffered)
  single('statgraph_requests_dropped_total', 'counter', 'Requests statgraph dropped, its buffer full while the database was slow or down.', counts.dropped)
  single('statgraph_write_failures_total', 'counter', 'Writes of statgraph that failed (each retried).', counts.failedWrites)
  return `${lines.join('\n')}\n`
}
