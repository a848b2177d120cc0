// Allocation: the bytes each mode's hello world allocates on the app's thread per request, as a
// ratio to plain's. Garbage collection costs follow it (on Express it is a sixth of the app's
// thread), and unlike time it barely moves with a shared machine's speed, so a change of a few
// hundred bytes a request shows in one run. Each run starts every mode's server afresh (with
// --expose-gc), warms it up, then loads it between two forced collections (bench/servers/
// allocation-meter.ts). The figure is each mode's least over the runs: what moves it (compiled
// code, a deoptimization) only ever adds. The writer thread's own heap is not counted. Beside it,
// the bytes a request leaves for the old generation (promoted by scavenges, the median over the
// runs): those cost marking on V8's helper threads, and on Express, after whose prototype swap of
// `req` and `res` V8 promotes much of what a request allocates, they are a third of it.
// Usage: npm run bench:allocation [-- --frameworks express,fastify,koa,hono,node --modes plain,floor,statgraph --seconds 5 --runs 3]
import { parseArgs } from 'node:util'
import { allocation, load, startServer, stopServer } from './server-process.js'
import { MODES } from './servers/bench-server.js'
import { median } from './median.js'

const { values } = parseArgs({
  options: {
    frameworks: { type: 'string', default: 'express,fastify,koa,hono,node' },
    modes: { type: 'string', default: 'plain,floor,statgraph' },
    seconds: { type: 'string', default: '5' },
    runs: { type: 'string', default: '3' },
  },
})
const modes = values.modes.split(',')
for (const mode of modes) {
  if (!(MODES as readonly string[]).includes(mode)) throw new Error(`--modes: "${mode}" is not a bench mode; choose among ${MODES.join(', ')}`)
}
const seconds = Number(values.seconds)
const runs = Number(values.runs)

/** Bytes the app's thread allocated, and promoted, per request over `seconds` of load, after a warm-up. */
async function measure(framework: string, mode: string): Promise<{ allocated: number; promoted: number }> {
  const server = await startServer(framework, mode, undefined, ['--expose-gc'])
  try {
    await load(server.url, 2) // warm-up: JIT, connections, the SQLite file
    const start = await allocation(server.child, 'start')
    await load(server.url, seconds)
    const end = await allocation(server.child, 'stop')
    const requests = end.requests - start.requests
    return { allocated: end.allocated / requests, promoted: end.promoted / requests }
  } finally {
    await stopServer(server)
  }
}

const summary: string[] = []
for (const framework of values.frameworks.split(',')) {
  const least = new Map<string, number>()
  const promoted = new Map<string, number[]>(modes.map((mode) => [mode, []]))
  for (let run = 1; run <= runs; run++) {
    for (const mode of run % 2 === 1 ? modes : [...modes].reverse()) {
      const bytes = await measure(framework, mode)
      least.set(mode, Math.min(least.get(mode) ?? Number.POSITIVE_INFINITY, bytes.allocated))
      promoted.get(mode)?.push(bytes.promoted)
      console.log(
        `${framework} run ${run} ${mode.padEnd(17)} ${bytes.allocated.toFixed(0).padStart(7)} bytes/request, ${bytes.promoted.toFixed(0).padStart(6)} promoted`,
      )
    }
  }
  const plain = least.get('plain')
  const floor = least.get('floor')
  for (const [mode, bytes] of least) {
    const ratio = plain === undefined ? '' : `  ${(bytes / plain).toFixed(3)} of plain`
    const difference = floor === undefined ? 0 : Math.round(bytes - floor)
    const aboveFloor =
      floor === undefined || mode === 'floor' || mode === 'plain' ? '' : `, ${difference >= 0 ? '+' : '−'}${Math.abs(difference)} bytes against the floor`
    const kept = median(promoted.get(mode) ?? [])
    summary.push(
      `  ${framework.padEnd(8)} ${mode.padEnd(17)} ${bytes.toFixed(0).padStart(7)} bytes/request${ratio}${aboveFloor}; promoted ${kept.toFixed(0)} (${((100 * kept) / bytes).toFixed(1)} %)`,
    )
  }
}
console.log(
  `\nAllocated on the app's thread per request, the least of ${runs} runs of ${seconds} s, 50 connections; promoted to the old generation, the median:`,
)
console.log(summary.join('\n'))
