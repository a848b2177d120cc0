import {
  AggregationTemporality,
  type HistogramMetricData,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics'
import { afterAll, describe, expect, it } from 'vitest'
import { JSON_POST, startMetricsApp } from '../helpers/metrics-app.js'
import { tempDir } from '../helpers/temp-dir.js'

const dir = tempDir()

describe('the OpenTelemetry bridge', () => {
  const cleanup: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step()
  })

  it('records in the app’s meter provider what statgraph recorded, as the HTTP conventions name it', async () => {
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE)
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 })
    const provider = new MeterProvider({ readers: [reader] })
    cleanup.push(() => provider.shutdown())
    const app = await startMetricsApp(dir, { metrics: { meterProvider: provider } })
    cleanup.push(() => app.close())
    const post = JSON_POST
    for (let i = 0; i < 60; i++) {
      await (await fetch(`${app.url}${i % 3 === 0 ? '/items' : `/users/${i}`}`, i % 3 === 0 ? post : undefined)).arrayBuffer()
      if (i % 10 === 0) await (await fetch(`${app.url}/boom`)).arrayBuffer()
      if (i % 20 === 0) await (await fetch(`${app.url}/nowhere/${i}`)).arrayBuffer()
    }
    await app.stats.flush()
    await reader.forceFlush()

    const metrics =
      exporter
        .getMetrics()
        .at(-1)
        ?.scopeMetrics.find((scope) => scope.scope.name === 'statgraph')?.metrics ?? []
    const named = (name: string) => metrics.find((metric) => metric.descriptor.name === name)
    const duration = named('http.server.request.duration') as HistogramMetricData
    expect(duration.descriptor.unit).toBe('s')
    const counted = new Map(
      duration.dataPoints.map((point) => [
        `${point.attributes['http.request.method']} ${point.attributes['http.route'] ?? ''} ${point.attributes['http.response.status_code']}`,
        point.value.count,
      ]),
    )
    const recorded = new Map<string, number>()
    for (const row of app.rows()) {
      const key = `${row.method} ${row.route ?? ''} ${row.status_code}`
      recorded.set(key, (recorded.get(key) ?? 0) + 1)
    }
    expect(counted).toEqual(recorded)
    expect([...recorded.keys()].sort()).toEqual(['GET  404', 'GET /boom 500', 'GET /users/:id 200', 'POST /items 201'])
    expect(duration.dataPoints[0]?.value.buckets.boundaries).toEqual([0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10])
    // Every request's response body; the declared request bodies of the POSTs alone.
    const responses = named('http.server.response.body.size') as HistogramMetricData
    expect(responses.dataPoints.reduce((sum, point) => sum + point.value.count, 0)).toBe(app.rows().length)
    const requests = named('http.server.request.body.size') as HistogramMetricData
    expect(requests.dataPoints.map((point) => [point.attributes['http.route'], point.value.count, point.value.sum])).toEqual([
      ['/items', recorded.get('POST /items 201'), (recorded.get('POST /items 201') ?? 0) * post.body.length],
    ])
    const written = named('statgraph.requests.written')
    expect(written?.dataPoints[0]?.value).toBe(app.rows().length)
  })
})
