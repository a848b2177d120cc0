// What statgraph costs an app, per framework: hello world plain, with statgraph on SQLite, and with
// statgraph writing nowhere (the request path, and the records built on the app's thread), each
// server in its own process under the same autocannon load; each round starts every mode's server
// afresh, and they take `--turns` turns in alternating order so drift hits every mode alike (after
// each turn, the bench waits for the server's recorder to write what it holds). Prints, as ratios
// to plain's turn next to each (their median over turns):
// throughput; the server's CPU time per request, all threads (steadier on a shared machine, where
// the load generator and the server compete for the same cores); and the CPU time per request of
// the app's own thread, which is what requests wait for (the writer thread runs beside it). In a
// run with the floor, each mode's throughput and main thread against the floor's turn as well.
// Usage: npm run bench [-- --frameworks express,fastify,koa,hono,node --seconds 10 --rounds 3 --turns 1 --modes plain,statgraph]
// On PostgreSQL against a SQLite file (Express only): npm run bench -- --frameworks express --modes plain,statgraph,statgraph-postgres
// Against the peers (Express only): npm run bench -- --frameworks express --modes plain,statgraph,swagger-stats,status-monitor,naive
// Prometheus metrics on and off, and express-prom-bundle alone: npm run bench -- --frameworks express --modes plain,statgraph,statgraph-metrics,prom-bundle
// The floor of keeping a SQLite row per request at all, on every framework: npm run bench -- --modes plain,floor,statgraph
// (floor-middleware: the same with the framework's cheapest no-op middleware too, the floor of a
// recorder that is a middleware, as one must be to learn the route on Hono)
// Before and after a change, in one run: check out and build the earlier commit in another folder
// (git worktree add ../before <commit> && cd ../before && ln -s ../main/node_modules . && npm run build),
// then npm run bench -- --baseline ../before: its own bench servers run as the mode statgraph-baseline.
// The run's own resolution: --baseline . runs this checkout twice; statgraph against
// statgraph-baseline is then what the bench reads between identical servers (docs/decisions.md).
import type { ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { type BenchServer, load, startServer, stopServer, usage } from './server-process.js'
import { MODES, type Mode } from './servers/bench-server.js'
import { bootstrapInterval, median } from './median.js'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    turns: { type: 'string', default: '1' },
    modes: { type: 'string', default: 'plain,statgraph,statgraph-discard' },
    frameworks: { type: 'string', default: 'express,fastify,koa,hono,node' },
    baseline: { type: 'string' },
  },
})
/** The same hello world with statgraph as built in the `--baseline` folder (an earlier commit). */
const BASELINE = 'statgraph-baseline'
type RunMode = Mode | typeof BASELINE
const seconds = Number(values.seconds)
const rounds = Number(values.rounds)
/** Turns each mode takes per round, on the same servers. */
const turns = Number(values.turns)
const modes: RunMode[] = values.modes.split(',').filter((mode): mode is Mode => (MODES as readonly string[]).includes(mode))
if (values.baseline !== undefined) modes.push(BASELINE)
if (modes[0] !== 'plain') throw new Error(`--modes must start with plain and name only ${MODES.join(', ')}`)
/** A mode's server: this checkout's, or statgraph-baseline's from the `--baseline` folder. */
function startMode(framework: string, mode: RunMode): Promise<BenchServer> {
  return mode === BASELINE ? startServer(framework, 'statgraph', resolve(values.baseline as string)) : startServer(framework, mode)
}

/**
 * Waits for statgraph to write what it holds, then checks that it recorded every request the
 * server answered: a cheap run that dropped records would be no result.
 */
async function recordedEverything(child: ChildProcess): Promise<string> {
  for (let waited = 0; ; waited += 100) {
    const { requests, recorded } = await usage(child)
    if (recorded === undefined) return ''
    if (recorded.buffered === 0 || waited >= 30_000) {
      if (recorded.dropped > 0 || recorded.written !== requests) {
        throw new Error(`statgraph recorded ${recorded.written} of ${requests} requests (${recorded.dropped} dropped, ${recorded.buffered} still buffered)`)
      }
      return `, ${recorded.written} recorded`
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/**
 * One turn of load on `server`: its throughput, CPU per request (all threads, and the main
 * thread's), and what it recorded, once its recorder has written what it holds, which also keeps
 * a writer's backlog out of the next mode's turn.
 */
async function measureTurn({ child, url }: BenchServer): Promise<{ rps: number; micros: number; main: number; recorded: string }> {
  const before = await usage(child)
  const rps = await load(url, seconds)
  const after = await usage(child)
  const served = after.requests - before.requests
  return {
    rps,
    micros: (after.cpuMicros - before.cpuMicros) / served,
    main: (after.mainThreadMicros - before.mainThreadMicros) / served,
    recorded: await recordedEverything(child),
  }
}

const summary: string[] = []

/** `[low, high]`, an interval's ends to `digits` decimals. */
const range = ([low, high]: [number, number], digits: number) => `[${low.toFixed(digits)}, ${high.toFixed(digits)}]`

/**
 * A mode's share of plain's throughput less the floor's, in points (each share the median of the
 * turns' ratios to plain's turn beside them), and its bootstrap interval (90 %): how far the
 * figure of another run like this one may land.
 */
function pointsAboveFloor(shares: readonly number[], floorShares: readonly number[]): string {
  const points = (draw: readonly number[]) =>
    100 * (median(draw.map((turn) => shares[turn] as number)) - median(draw.map((turn) => floorShares[turn] as number)))
  const all = shares.map((_, turn) => turn)
  return `${points(all).toFixed(1)} ${range(bootstrapInterval(shares.length, points), 1)}`
}

for (const framework of values.frameworks.split(',')) {
  const throughput = new Map<RunMode, number[]>(modes.map((mode) => [mode, []]))
  const cpuPerRequest = new Map<RunMode, number[]>(modes.map((mode) => [mode, []]))
  const mainPerRequest = new Map<RunMode, number[]>(modes.map((mode) => [mode, []]))
  // Each round starts a fresh server per mode, and they take turns: turns close in time compare
  // better than servers started minutes apart, and fresh processes each round spread what one
  // process's luck costs it (where its code lands, what the JIT makes of its warm-up) over all modes.
  for (let round = 1; round <= rounds; round++) {
    const servers = new Map<RunMode, BenchServer>()
    try {
      for (const mode of modes) {
        const server = await startMode(framework, mode)
        servers.set(mode, server)
        await load(server.url, 2) // warm-up: JIT, connections, the SQLite file
        await recordedEverything(server.child)
      }
      for (let turn = 1; turn <= turns; turn++) {
        for (const mode of (round + turn) % 2 === 0 ? [...modes] : [...modes].reverse()) {
          const { rps, micros, main, recorded } = await measureTurn(servers.get(mode) as BenchServer)
          throughput.get(mode)?.push(rps)
          cpuPerRequest.get(mode)?.push(micros)
          mainPerRequest.get(mode)?.push(main)
          console.log(
            `${framework} round ${round} turn ${turn} ${mode.padEnd(17)} ${String(Math.round(rps)).padStart(6)} req/s ${micros.toFixed(1).padStart(7)} µs CPU/request ${main.toFixed(1).padStart(6)} µs main thread/request${recorded}`,
          )
        }
      }
    } finally {
      for (const server of servers.values()) await stopServer(server)
    }
  }
  const of = (series: Map<RunMode, number[]>, mode: RunMode) => median(series.get(mode) ?? [])
  // Each turn against plain's turn next to it, the median of those: on a shared machine whose
  // speed drifts, turns close in time compare better than medians apart.
  const perTurn = (series: Map<RunMode, number[]>, mode: RunMode, against: RunMode = 'plain') =>
    (series.get(mode) ?? []).map((value, turn) => value / ((series.get(against) ?? [])[turn] ?? Number.NaN))
  for (const mode of modes) {
    const rps = of(throughput, mode)
    const cpu = of(cpuPerRequest, mode)
    const main = of(mainPerRequest, mode)
    const throughputRatios = perTurn(throughput, mode)
    const ratios =
      mode === 'plain'
        ? ''
        : `  ratios: throughput ${median(throughputRatios).toFixed(3)} ${range(
            bootstrapInterval(throughputRatios.length, (draw) => median(draw.map((turn) => throughputRatios[turn] as number))),
            2,
          )} ` +
          `(turns: ${throughputRatios.map((ratio) => ratio.toFixed(2)).join(' ')}), ` +
          `CPU ${median(perTurn(cpuPerRequest, mode)).toFixed(3)}, main thread ${median(perTurn(mainPerRequest, mode)).toFixed(3)}` +
          // Against the floor's turn of the same round, where the run has one: the pairs a turn apart.
          (modes.includes('floor') && mode !== 'floor'
            ? `; against floor: throughput ${median(perTurn(throughput, mode, 'floor')).toFixed(3)}, main thread ${median(perTurn(mainPerRequest, mode, 'floor')).toFixed(3)}, ` +
              `points above the floor's share ${pointsAboveFloor(throughputRatios, perTurn(throughput, 'floor'))}`
            : '')
    summary.push(
      `  ${framework.padEnd(8)} ${mode.padEnd(17)} ${String(Math.round(rps)).padStart(6)} req/s ${cpu.toFixed(1).padStart(6)} µs CPU ${main.toFixed(1).padStart(6)} µs main thread${ratios}`,
    )
  }
}

console.log(
  `\nHello world, median of ${rounds} rounds × ${turns} turns × ${seconds} s, 50 connections; ratios: median of each turn's ratio to plain's next to it, [the interval a rerun's median would fall in, 90 %]:`,
)
console.log(summary.join('\n'))
console.log(
  "(statgraph-discard: statgraph with a store that writes nothing; as with any store the app passes in as an object, the records are built — user agents parsed — on the app's thread)",
)
