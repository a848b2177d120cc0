import { afterAll, describe, expect, it } from 'vitest'
import { JSON_POST, startMetricsApp } from '../helpers/metrics-app.js'
import { freePort } from '../helpers/free-port.js'
import { hasPrometheus, type RunningPrometheus, startPrometheus } from '../helpers/prometheus.js'
import { tempDir } from '../helpers/temp-dir.js'
import { fromUtcText } from '../../src/stats/time/utc-text.js'
import { poll } from '../helpers/wait-for.js'

const dir = tempDir()
const COUNT = 'http_server_request_duration_seconds_count'
const BY = 'http_route, http_response_status_code'

describe.skipIf(!hasPrometheus('the Prometheus scrape test'))('a real Prometheus scraping statgraph’s metrics', () => {
  const cleanup: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step()
  })

  it('counts per route and status what statgraph recorded, over the traffic', async () => {
    const port = await freePort()
    const app = await startMetricsApp(dir, { metrics: { prometheus: { port, host: '127.0.0.1' } }, recorder: { flushInterval: 50 } })
    cleanup.push(() => app.close())
    const prometheus: RunningPrometheus = await startPrometheus(dir, `127.0.0.1:${port}`, '/metrics')
    cleanup.push(() => prometheus.stop())
    const send = async (path: string, init?: RequestInit) => (await fetch(`${app.url}${path}`, init)).arrayBuffer()
    const post = JSON_POST

    // Each series exists before the traffic, so that a scrape before it holds every one.
    await Promise.all([send('/users/0'), send('/items', post), send('/boom'), send('/nowhere')])
    const warmedUp = Date.now() / 1000
    await poll(
      () => prometheus.lastScrape(),
      (at) => at > warmedUp + 0.1,
      'a scrape after the warm-up',
    )

    const trafficStart = Date.now()
    for (let i = 0; i < 120; i++) {
      await send(i % 3 === 0 ? '/items' : `/users/${i}`, i % 3 === 0 ? post : undefined)
      if (i % 10 === 0) await send('/boom')
      if (i % 25 === 0) await send(`/nowhere/${i}`)
    }
    await app.stats.flush()
    const trafficEnd = Date.now() / 1000
    await poll(
      () => prometheus.lastScrape(),
      (at) => at > trafficEnd + 1.1,
      'two scrapes after the traffic',
    )

    // The window runs from the last scrape before the traffic to the latest, on their own sample
    // instants: increase() then has nothing to extrapolate and is exact.
    const [series] = await prometheus.matrix(`${COUNT}{http_route="/boom"}[5m]`)
    const instants = (series?.values ?? []).map(([at]) => at)
    const from = instants.filter((at) => at * 1000 <= trafficStart).at(-1) as number
    const to = instants.at(-1) as number
    expect(to).toBeGreaterThan(from)
    const window = `${Math.round((to - from) * 1000)}ms`
    const increases = await prometheus.query(`sum by (${BY}) (increase(${COUNT}[${window}]))`, to)

    const recorded = new Map<string, number>()
    for (const row of app.rows()) {
      if (fromUtcText(row.date as string) < trafficStart) continue
      const key = `${row.route ?? ''} ${row.status_code}`
      recorded.set(key, (recorded.get(key) ?? 0) + 1)
    }
    const scraped = new Map(
      increases
        .filter((sample) => sample.value > 0)
        .map((sample) => [`${sample.metric.http_route ?? ''} ${sample.metric.http_response_status_code}`, sample.value]),
    )
    expect(scraped).toEqual(recorded)
    expect([...recorded.keys()].sort()).toEqual([' 404', '/boom 500', '/items 201', '/users/:id 200'])
    const [total] = await prometheus.query(`sum(increase(${COUNT}[${window}]))`, to)
    expect(total?.value).toBe([...recorded.values()].reduce((a, b) => a + b, 0))

    // statgraph's own health, and the request bodies the client declared.
    const [written] = await prometheus.query('statgraph_requests_written_total', to)
    expect(written?.value).toBeGreaterThanOrEqual([...recorded.values()].reduce((a, b) => a + b, 0))
    const [posted] = await prometheus.query(`sum(increase(http_server_request_body_size_bytes_count{http_route="/items"}[${window}]))`, to)
    expect(posted?.value).toBe(recorded.get('/items 201'))
  }, 60_000)
})
