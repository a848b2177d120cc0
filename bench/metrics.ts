// The cost of counting a request for Prometheus, in one process: statgraph's histograms (typed
// arrays by method, route and status) against prom-client's (two Histograms, labelled), observing
// the same requests as each ends; statgraph's again, derived from the recorder's batches instead
// (the packed facts unpacked, then observed: what the alternative to counting per request costs);
// then writing the exposition of each. Alternating rounds; ns per request and ms per exposition,
// and their ratios to prom-client's.
// Usage: npm run bench:metrics [-- --requests 1000000 --rounds 5]
import { parseArgs } from 'node:util'
import { Histogram, Registry } from 'prom-client'
import { DURATION_BUCKETS, HttpHistograms, SIZE_BUCKETS } from '../src/metrics/http-histograms.js'
import { prometheusText } from '../src/metrics/prometheus-text.js'
import type { RequestFacts } from '../src/record/request-record.js'
import { requestFacts } from '../test/helpers/records.js'
import { PackedFacts, unpackFacts } from '../src/recorder/packed-facts.js'
import { median } from './median.js'

const { values } = parseArgs({ options: { requests: { type: 'string', default: '1000000' }, rounds: { type: 'string', default: '5' } } })
const REQUESTS = Number(values.requests)

// 40 routes, a few methods and statuses, the mix of an ordinary app.
const traffic: RequestFacts[] = Array.from({ length: 4096 }, (_, i) =>
  requestFacts({
    responseTime: (i * 7919) % 400,
    method: ['GET', 'GET', 'GET', 'POST', 'PUT'][i % 5] as string,
    route: `/api/resource${i % 40}/:id`,
    status: [200, 200, 200, 201, 404, 500][i % 6] as number,
    size: (i * 104_729) % 70_000,
  }),
)
const counts = { written: 0, buffered: 0, dropped: 0, failedWrites: 0, failing: false, lastError: undefined }

// The batches the recorder would hold: the same requests, packed (as the recorder packs them anyway).
const packed = new PackedFacts()
for (let i = 0; i < REQUESTS; i++) packed.add(traffic[i & 4095] as RequestFacts)

function fromBatches(): number {
  const histograms = new HttpHistograms()
  const start = process.hrtime.bigint()
  for (const part of packed.parts) for (const facts of unpackFacts(part)) histograms.observe(facts)
  return Number(process.hrtime.bigint() - start) / REQUESTS
}

function statgraphWay(): { observeNs: number; expositionMs: number } {
  const histograms = new HttpHistograms()
  const start = process.hrtime.bigint()
  for (let i = 0; i < REQUESTS; i++) histograms.observe(traffic[i & 4095] as RequestFacts)
  const observed = process.hrtime.bigint()
  const text = prometheusText(histograms, counts, { instance: 'bench', version: null })
  const written = process.hrtime.bigint()
  if (text.length === 0) throw new Error('no exposition')
  return { observeNs: Number(observed - start) / REQUESTS, expositionMs: Number(written - observed) / 1e6 }
}

async function promClientWay(): Promise<{ observeNs: number; expositionMs: number }> {
  const registry = new Registry()
  const labelNames = ['http_request_method', 'http_route', 'http_response_status_code']
  const duration = new Histogram({ name: 'http_server_request_duration_seconds', help: 'd', labelNames, buckets: [...DURATION_BUCKETS], registers: [registry] })
  const size = new Histogram({ name: 'http_server_response_body_size_bytes', help: 's', labelNames, buckets: [...SIZE_BUCKETS], registers: [registry] })
  const start = process.hrtime.bigint()
  for (let i = 0; i < REQUESTS; i++) {
    const facts = traffic[i & 4095] as RequestFacts
    const labels = { http_request_method: facts.method, http_route: facts.route ?? '', http_response_status_code: facts.status }
    duration.observe(labels, (facts.responseTime ?? 0) / 1000)
    size.observe(labels, facts.size)
  }
  const observed = process.hrtime.bigint()
  const text = await registry.metrics()
  const written = process.hrtime.bigint()
  if (text.length === 0) throw new Error('no exposition')
  return { observeNs: Number(observed - start) / REQUESTS, expositionMs: Number(written - observed) / 1e6 }
}

const ours: { observeNs: number; expositionMs: number }[] = []
const batched: number[] = []
const theirs: { observeNs: number; expositionMs: number }[] = []
// A warm-up of each, then alternating rounds: the machine's drift falls on both alike.
statgraphWay()
fromBatches()
await promClientWay()
for (let round = 0; round < Number(values.rounds); round++) {
  if (round % 2 === 0) {
    ours.push(statgraphWay())
    batched.push(fromBatches())
    theirs.push(await promClientWay())
  } else {
    theirs.push(await promClientWay())
    batched.push(fromBatches())
    ours.push(statgraphWay())
  }
}
const observe = { statgraph: median(ours.map((r) => r.observeNs)), promClient: median(theirs.map((r) => r.observeNs)) }
const exposition = { statgraph: median(ours.map((r) => r.expositionMs)), promClient: median(theirs.map((r) => r.expositionMs)) }
console.log(
  `per request: statgraph ${observe.statgraph.toFixed(0)} ns, prom-client ${observe.promClient.toFixed(0)} ns; ratio ${(observe.statgraph / observe.promClient).toFixed(3)}`,
)
const series = new Set(traffic.map((facts) => `${facts.method} ${facts.route} ${facts.status}`)).size
console.log(
  `exposition of ${series} series: statgraph ${exposition.statgraph.toFixed(2)} ms, prom-client ${exposition.promClient.toFixed(2)} ms; ratio ${(exposition.statgraph / exposition.promClient).toFixed(3)}`,
)
const fromBatch = median(batched)
console.log(
  `from the batches (unpack, then observe): ${fromBatch.toFixed(0)} ns a request; ratio to counting each as it ends ${(fromBatch / observe.statgraph).toFixed(2)}`,
)
