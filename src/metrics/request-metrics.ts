import type { Server } from 'node:http'
import type { Logger } from '../log/logger.js'
import type { RecorderCounts } from '../recorder/recorder.js'
import type { RequestFacts } from '../record/request-record.js'
import { HttpHistograms } from './http-histograms.js'
import type { MetricsSettings } from './metrics-option.js'
import { serveMetrics } from './metrics-server.js'
import { OtelBridge } from './otel-bridge.js'
import { prometheusText } from './prometheus-text.js'

/** The metrics of every recorded request: Prometheus histograms, OpenTelemetry instruments, or both. */
export class RequestMetrics {
  /** The Prometheus exposition for the dashboard to serve at `{prefix}/metrics`, when it is to. */
  readonly dashboardExposition: (() => string) | undefined
  readonly #histograms: HttpHistograms | undefined
  readonly #otel: OtelBridge | undefined
  readonly #server: Server | undefined

  constructor(settings: MetricsSettings, context: { identity: { instance: string; version: string | null }; counts: () => RecorderCounts; logger: Logger }) {
    const place = settings.prometheus
    const histograms = place === undefined ? undefined : new HttpHistograms()
    this.#histograms = histograms
    const exposition = histograms === undefined ? undefined : () => prometheusText(histograms, context.counts(), context.identity)
    this.dashboardExposition = place === 'dashboard' ? exposition : undefined
    this.#server = typeof place === 'object' && exposition !== undefined ? serveMetrics(place, exposition, context.logger) : undefined
    this.#otel = settings.meterProvider === undefined ? undefined : new OtelBridge(settings.meterProvider, context.counts)
  }

  /** Counts one request, on the app's thread as it ends: never throws. */
  observe(facts: RequestFacts): void {
    try {
      this.#histograms?.observe(facts)
      this.#otel?.observe(facts)
    } catch {
      // An SDK that throws never breaks the app's request.
    }
  }

  /** Stops the metrics port, if one was opened. */
  async close(): Promise<void> {
    const server = this.#server
    if (server?.listening === true) await new Promise((resolve) => server.close(resolve))
  }
}
