// Soak: an app (test/fixtures/instance-app.ts, its own process) serves a steady load for several
// minutes on PostgreSQL reached through a TCP proxy that is cut for a while at regular intervals.
// Prints requests sent, answered, stored and counted as dropped, and checks sent = answered and
// stored + dropped = sent (dropped = 0 when an outage is shorter than the buffer can hold).
// Usage: npm run bench:soak [-- --minutes 3 --rate 200 --every 40 --outage 10 --buffer 10000]
import { parseArgs } from 'node:util'
import pg from 'pg'
import type { RecorderCounts } from '../src/recorder/recorder.js'
import { startInstance } from '../test/helpers/instance-process.js'
import { startTcpProxy } from '../test/helpers/tcp-proxy.js'

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '3' },
    rate: { type: 'string', default: '200' },
    every: { type: 'string', default: '40' },
    outage: { type: 'string', default: '10' },
    buffer: { type: 'string', default: '10000' },
  },
})
const url = new URL(process.env.STATGRAPH_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test')
const table = `sg_soak_${process.pid}`
const rate = Number(values.rate)
const outageSeconds = Number(values.outage)
const buffer = Number(values.buffer)

const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) })
const proxied = new URL(url)
proxied.host = `127.0.0.1:${proxy.port}`
const app = await startInstance({ DATABASE: proxied.href, TABLE: table, MAX_BUFFER: String(buffer) })
const admin = new pg.Pool({ connectionString: url.href, max: 1 })

let sent = 0
let answered = 0
let stopped = false
// A steady rate: one request every 1000/rate ms, whatever the answers take.
const load = (async () => {
  const started = Date.now()
  const inFlight = new Set<Promise<void>>()
  while (!stopped) {
    const due = started + (sent * 1000) / rate
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()))
    const n = sent++
    const request = fetch(`${app.url}/hit/${n}`)
      .then(async (response) => {
        if (response.status === 200 && (await response.text()) === `hit ${n}`) answered++
      })
      .catch(() => undefined)
      .finally(() => inFlight.delete(request))
    inFlight.add(request)
  }
  await Promise.all(inFlight)
})()

const end = Date.now() + Number(values.minutes) * 60_000
let outages = 0
while (Date.now() + Number(values.every) * 1000 < end) {
  await new Promise((resolve) => setTimeout(resolve, (Number(values.every) - outageSeconds) * 1000))
  await proxy.cut()
  outages++
  console.log(`outage ${outages}: database unreachable for ${outageSeconds} s (sent so far ${sent})`)
  await new Promise((resolve) => setTimeout(resolve, outageSeconds * 1000))
  await proxy.restore()
}
await new Promise((resolve) => setTimeout(resolve, Math.max(0, end - Date.now())))
stopped = true
await load

const counts = async () => (await (await fetch(`${app.url}/recorder`)).json()) as RecorderCounts
let last = await counts()
while (last.buffered > 0 || last.written + last.dropped < sent) {
  await new Promise((resolve) => setTimeout(resolve, 200))
  last = await counts()
}
await app.stop()
const { rows } = await admin.query(`select count(*)::int as n from ${table}`)
const stored = rows[0].n as number
await admin.query(`drop table if exists ${table}, ${table}_statgraph_import, ${table}_statgraph_migration, ${table}_statgraph_migration_lock`)
await admin.end()
await proxy.close()

const longestOutageRequests = rate * outageSeconds
console.log(`soak: ${values.minutes} min at ${rate} req/s, ${outages} outages of ${outageSeconds} s, buffer ${buffer}`)
console.log(`sent ${sent}, answered ${answered}, stored ${stored}, dropped ${last.dropped}`)
const checks = [
  ['sent = answered', sent === answered],
  ['stored + dropped = sent', stored + last.dropped === sent],
  [`dropped = 0 (an outage holds ~${longestOutageRequests} requests, the buffer ${buffer})`, longestOutageRequests >= buffer || last.dropped === 0],
] as const
for (const [name, ok] of checks) console.log(`${ok ? 'PASS' : 'FAIL'} ${name}`)
process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1
