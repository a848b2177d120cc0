import { invalidOption } from '../errors/statgraph-error.js'
import type { OtelMeterProvider } from './otel-bridge.js'

/** The `metrics` option: the same requests, for Prometheus and for OpenTelemetry. */
export interface MetricsOption {
  /**
   * The Prometheus exposition. `true`: at `{prefix}/metrics`, behind the dashboard's guard
   * (`protect`, `auth`); `{ port }`: on a port of its own for scrapers, at `path` (default
   * `/metrics`), on `host` (default all interfaces), unguarded — keep that port inside your network.
   */
  prometheus?: boolean | { port: number; host?: string; path?: string }
  /** The app's OpenTelemetry `MeterProvider`: statgraph records the same instruments there. */
  meterProvider?: OtelMeterProvider
}

/** Where the Prometheus exposition is served. */
type PrometheusPlace = 'dashboard' | { port: number; host: string; path: string }

export interface MetricsSettings {
  prometheus: PrometheusPlace | undefined
  meterProvider: OtelMeterProvider | undefined
}

/** Checks the `metrics` option once, at setup; undefined: no metrics. */
export function resolveMetrics(option: MetricsOption | undefined): MetricsSettings | undefined {
  if (option === undefined) return undefined
  if (typeof option !== 'object' || option === null) throw invalidOption('"metrics" must be { prometheus: true } and/or { meterProvider }')
  const provider = option.meterProvider
  if (provider !== undefined && typeof (provider as { getMeter?: unknown })?.getMeter !== 'function') {
    throw invalidOption('"metrics.meterProvider" must be an OpenTelemetry MeterProvider (from your SDK, or metrics.getMeterProvider())')
  }
  return { prometheus: prometheusPlace(option.prometheus), meterProvider: provider }
}

function prometheusPlace(prometheus: MetricsOption['prometheus']): PrometheusPlace | undefined {
  if (prometheus === undefined || prometheus === false) return undefined
  if (prometheus === true) return 'dashboard'
  const { port, host = '0.0.0.0', path = '/metrics' } = (prometheus ?? {}) as { port?: unknown; host?: unknown; path?: unknown }
  if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65_535) {
    throw invalidOption('"metrics.prometheus" must be true or { port } with a port from 0 to 65535 (0: any free one)')
  }
  if (typeof host !== 'string' || host === '') throw invalidOption('"metrics.prometheus.host" must be a host name or address')
  if (typeof path !== 'string' || !path.startsWith('/')) throw invalidOption('"metrics.prometheus.path" must be a path such as "/metrics"')
  return { port: port as number, host, path }
}
