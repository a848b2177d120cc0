import express from 'express'
import { afterAll, describe, expect, it } from 'vitest'
import { HttpHistograms } from '../../src/metrics/http-histograms.js'
import { prometheusText } from '../../src/metrics/prometheus-text.js'
import { startApp } from '../helpers/express-app.js'
import { requestFacts } from '../helpers/records.js'
import { tempDir } from '../helpers/temp-dir.js'

const dir = tempDir()
const counts = { written: 7, buffered: 2, dropped: 1, failedWrites: 3, failing: false, lastError: undefined }

describe('the Prometheus exposition', () => {
  it('writes cumulative buckets, sums and counts per method, route and status, with labels quoted', () => {
    const histograms = new HttpHistograms()
    histograms.observe(requestFacts({ responseTime: 3 }))
    histograms.observe(requestFacts({ responseTime: 80, size: 5000 }))
    histograms.observe(requestFacts({ responseTime: 20_000, method: 'PROPFIND', route: '/a "quoted"\\path\n', status: 405, requestSize: 300 }))
    const text = prometheusText(histograms, counts, { instance: 'web-1', version: '1.2.0' })
    const users = 'http_request_method="GET",http_response_status_code="200",http_route="/users/:id",instance="web-1",version="1.2.0"'
    const lines = text.split('\n')
    expect(lines).toContain('# TYPE http_server_request_duration_seconds histogram')
    expect(lines).toContain(`http_server_request_duration_seconds_bucket{${users},le="0.005"} 1`)
    expect(lines).toContain(`http_server_request_duration_seconds_bucket{${users},le="0.075"} 1`)
    expect(lines).toContain(`http_server_request_duration_seconds_bucket{${users},le="0.1"} 2`)
    expect(lines).toContain(`http_server_request_duration_seconds_bucket{${users},le="+Inf"} 2`)
    expect(lines).toContain(`http_server_request_duration_seconds_sum{${users}} 0.083`)
    expect(lines).toContain(`http_server_request_duration_seconds_count{${users}} 2`)
    expect(lines).toContain(`http_server_response_body_size_bytes_bucket{${users},le="4096"} 1`)
    expect(lines).toContain(`http_server_response_body_size_bytes_bucket{${users},le="16384"} 2`)
    // A method HTTP does not define is _OTHER; a quote, a backslash and a line feed are escaped.
    const odd = 'http_request_method="_OTHER",http_response_status_code="405",http_route="/a \\"quoted\\"\\\\path\\n",instance="web-1",version="1.2.0"'
    expect(lines).toContain(`http_server_request_duration_seconds_bucket{${odd},le="10"} 0`)
    expect(lines).toContain(`http_server_request_duration_seconds_count{${odd}} 1`)
    // Request bodies only where one was declared.
    expect(lines).toContain(`http_server_request_body_size_bytes_count{${odd}} 1`)
    expect(text).not.toContain(`http_server_request_body_size_bytes_count{${users}}`)
    expect(lines).toContain('statgraph_requests_written_total{instance="web-1",version="1.2.0"} 7')
    expect(lines).toContain('statgraph_requests_buffered{instance="web-1",version="1.2.0"} 2')
    expect(lines).toContain('statgraph_requests_dropped_total{instance="web-1",version="1.2.0"} 1')
    expect(lines).toContain('statgraph_write_failures_total{instance="web-1",version="1.2.0"} 3')
    expect(text.endsWith('\n')).toBe(true)
  })

  it('keeps the series bounded: routes past the bound count as _OTHER', () => {
    const histograms = new HttpHistograms()
    for (let i = 0; i < 2500; i++) histograms.observe(requestFacts({ route: `/r${i}` }))
    const series = [...histograms.series()]
    expect(series).toHaveLength(2001)
    expect(series.at(-1)).toMatchObject({ route: '_OTHER', duration: { count: 500 } })
  })
})

describe('the metrics on the dashboard', () => {
  const cleanup: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step()
  })

  it('serves them at {prefix}/metrics behind the dashboard’s guard, counting what statgraph counts', async () => {
    const app = await startApp(express, dir, { metrics: { prometheus: true }, auth: { token: 'scraper-token' }, ignore: ['/health'] }, (app) => {
      app.get('/users/:id', (_req, res) => {
        res.send('ok')
      })
      app.get('/health', (_req, res) => {
        res.send('ok')
      })
    })
    cleanup.push(() => app.close())
    for (let i = 0; i < 5; i++) await (await fetch(`${app.url}/users/${i}`)).arrayBuffer()
    await (await fetch(`${app.url}/health`)).arrayBuffer()
    expect((await fetch(`${app.url}/statistics/metrics`)).status).toBe(401)
    const response = await fetch(`${app.url}/statistics/metrics`, { headers: { authorization: 'Bearer scraper-token' } })
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    const text = await response.text()
    expect(text).toMatch(
      /^http_server_request_duration_seconds_count\{http_request_method="GET",http_response_status_code="200",http_route="\/users\/:id",instance="[^"]+"(,version="[^"]+")?\} 5$/m,
    )
    // Ignored paths and the dashboard's own requests are not counted, as statgraph does not record them.
    expect(text).not.toContain('/health')
    expect(text).not.toContain('/statistics')
  })
})
