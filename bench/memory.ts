// Memory: an Express app with statgraph on a SQLite file (test/fixtures/instance-app.ts, its own
// process) serves a sustained load for several minutes — many distinct paths, so rollups keep
// growing — while its RSS is sampled. Prints the samples, the recorder's counts, and the ratio of
// the last minute's mean RSS to the second minute's (the first is warm-up): flat is ~1.0.
// The recorder's bound: at most `maxBuffer` (50 000) requests, and `maxBufferBytes` (64 MiB), held
// in memory, written or not.
// Usage: npm run bench:memory [-- --minutes 4 --clients 8]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { RecorderCounts } from '../src/recorder/recorder.js'
import { startInstance } from '../test/helpers/instance-process.js'

const { values } = parseArgs({ options: { minutes: { type: 'string', default: '4' }, clients: { type: 'string', default: '8' } } })
const minutes = Number(values.minutes)
const dir = mkdtempSync(join(tmpdir(), 'statgraph-memory-'))
const file = join(dir, 'memory.db')
const app = await startInstance({ DATABASE: file, TABLE: 'request' })
const pid = app.child.pid as number

/** Resident set size of the app's process, in MiB (Linux /proc). */
function rssMiB(): number {
  const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1])
  return (pages * 4096) / 2 ** 20
}

let sent = 0
let stopped = false
const clients = Array.from({ length: Number(values.clients) }, async (_, client) => {
  while (!stopped) {
    const response = await fetch(`${app.url}/hit/${client}-${sent++ % 50_000}`)
    await response.arrayBuffer()
  }
})

const samples: { at: number; rss: number }[] = []
const started = Date.now()
while (Date.now() - started < minutes * 60_000) {
  await new Promise((resolve) => setTimeout(resolve, 5000))
  const at = (Date.now() - started) / 1000
  samples.push({ at, rss: rssMiB() })
  console.log(`${at.toFixed(0).padStart(4)} s  RSS ${rssMiB().toFixed(1)} MiB  requests ${sent}`)
}
stopped = true
await Promise.all(clients)
const counts = (await (await fetch(`${app.url}/recorder`)).json()) as RecorderCounts
await app.stop()
rmSync(dir, { recursive: true, force: true })

const meanOf = (from: number, to: number) => {
  const inside = samples.filter((sample) => sample.at > from && sample.at <= to).map((sample) => sample.rss)
  return inside.reduce((sum, rss) => sum + rss, 0) / inside.length
}
const second = meanOf(60, 120)
const last = meanOf((minutes - 1) * 60, minutes * 60)
console.log(
  `\n${sent} requests in ${minutes} min (${Math.round(sent / (minutes * 60))}/s); recorder: written ${counts.written}, dropped ${counts.dropped}, buffered ${counts.buffered}`,
)
console.log(
  `RSS: 2nd minute mean ${second.toFixed(1)} MiB, last minute mean ${last.toFixed(1)} MiB, max ${Math.max(...samples.map((s) => s.rss)).toFixed(1)} MiB`,
)
console.log(`last / 2nd minute: ${(last / second).toFixed(3)} (recorder bound: 50 000 requests or 64 MiB buffered at most)`)
