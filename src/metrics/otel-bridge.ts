import type { RecorderCounts } from '../recorder/recorder.js'
import type { RequestFacts } from '../record/request-record.js'
import { DURATION_BUCKETS, methodLabel, SIZE_BUCKETS } from './http-histograms.js'

type Attributes = Record<string, string | number>

/** What statgraph uses of an OpenTelemetry instrument that observes by callback. */
interface OtelObservable {
  addCallback(callback: (result: { observe(value: number, attributes?: Attributes): void }) => void): void
}

/** What statgraph uses of an OpenTelemetry `Meter`. */
export interface OtelMeter {
  createHistogram(
    name: string,
    options?: { description?: string; unit?: string; advice?: { explicitBucketBoundaries?: number[] } },
  ): { record(value: number, attributes?: Attributes): void }
  createObservableCounter(name: string, options?: { description?: string; unit?: string }): OtelObservable
  createObservableGauge(name: string, options?: { description?: string; unit?: string }): OtelObservable
}

/**
 * What statgraph uses of `@opentelemetry/api`'s `MeterProvider`: the app's own (from its SDK, or
 * `metrics.getMeterProvider()`) fits, and statgraph imports no OpenTelemetry package itself.
 */
export interface OtelMeterProvider {
  getMeter(name: string, version?: string): OtelMeter
}

/**
 * Records every request in the app's OpenTelemetry meter, as the HTTP semantic conventions name it
 * (`http.server.request.duration` in seconds, body sizes in bytes, by method, route and status),
 * and statgraph's health as observable instruments; the app's exporter ships them.
 */
export class OtelBridge {
  readonly #duration: ReturnType<OtelMeter['createHistogram']>
  readonly #responseSize: ReturnType<OtelMeter['createHistogram']>
  readonly #requestSize: ReturnType<OtelMeter['createHistogram']>

  constructor(provider: OtelMeterProvider, counts: () => RecorderCounts) {
    const meter = provider.getMeter('statgraph')
    this.#duration = meter.createHistogram('http.server.request.duration', {
      description: 'Duration of HTTP server requests.',
      unit: 's',
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
    })
    const size = { unit: 'By', advice: { explicitBucketBoundaries: [...SIZE_BUCKETS] } }
    this.#responseSize = meter.createHistogram('http.server.response.body.size', { description: 'Size of HTTP server response bodies.', ...size })
    this.#requestSize = meter.createHistogram('http.server.request.body.size', { description: 'Size of HTTP server request bodies.', ...size })
    const health: [string, 'counter' | 'gauge', string, string, (now: RecorderCounts) => number][] = [
      ['statgraph.requests.written', 'counter', 'Requests statgraph wrote to its database.', '{request}', (now) => now.written],
      ['statgraph.requests.buffered', 'gauge', 'Requests statgraph holds in memory, not yet written.', '{request}', (now) => now.buffered],
      ['statgraph.requests.dropped', 'counter', 'Requests statgraph dropped, its buffer full.', '{request}', (now) => now.dropped],
      ['statgraph.write.failures', 'counter', 'Writes of statgraph that failed (each retried).', '{write}', (now) => now.failedWrites],
    ]
    for (const [name, kind, description, unit, value] of health) {
      const options = { description, unit }
      const instrument = kind === 'counter' ? meter.createObservableCounter(name, options) : meter.createObservableGauge(name, options)
      instrument.addCallback((result) => result.observe(value(counts())))
    }
  }

  observe(facts: RequestFacts): void {
    const attributes: Attributes = { 'http.request.method': methodLabel(facts.method), 'http.response.status_code': facts.status }
    if (facts.route !== undefined) attributes['http.route'] = facts.route
    if (facts.responseTime !== null) this.#duration.record(facts.responseTime / 1000, attributes)
    this.#responseSize.record(facts.size, attributes)
    if (facts.requestSize !== undefined) this.#requestSize.record(facts.requestSize, attributes)
  }
}
