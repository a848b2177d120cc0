// Several hello-world servers loaded at the same time, each by its own share of autocannon's
// connections, and the CPU time each spends per request: all its threads, and its main thread.
// Loaded side by side, the servers live through the same moments of a shared machine whose speed
// drifts, so a cost of a microsecond a request shows round after round — where bench/overhead.ts,
// whose modes take turns, needs many rounds to see a few points of throughput. It prints each
// server's figures against the first one's, round by round and as the median of those ratios.
// Usage: npx tsx bench/side-by-side.ts [--rounds 6 --seconds 4] fastify:floor fastify:statgraph ../before:fastify:statgraph
// A server is framework:mode, or folder:framework:mode for another checkout, built
// (git worktree add ../before <commit> && cd ../before && ln -s ../main/node_modules . && npm run build).
import { parseArgs } from 'node:util'
import { type BenchServer, load, startServer, stopServer, type Usage, usage } from './server-process.js'
import { median } from './median.js'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string', default: '6' }, seconds: { type: 'string', default: '4' } },
})
if (positionals.length < 2) throw new Error('name two servers or more: framework:mode or folder:framework:mode')
const rounds = Number(values.rounds)
const seconds = Number(values.seconds)

interface Figures {
  cpu: number[]
  main: number[]
}

const servers: (BenchServer & Figures & { name: string })[] = []
try {
  for (const name of positionals) {
    const parts = name.split(':')
    const [folder, framework, mode] = parts.length === 3 ? parts : [undefined, ...parts]
    if (framework === undefined || mode === undefined) throw new Error(`${name}: a server is framework:mode or folder:framework:mode`)
    servers.push({ name, ...(await startServer(framework, mode, folder)), cpu: [], main: [] })
  }
  // Fifty connections in all, as bench/overhead.ts opens.
  const connections = Math.max(1, Math.round(50 / servers.length))
  await Promise.all(servers.map((server) => load(server.url, 3, connections))) // warm-up
  const per = (before: Usage, after: Usage, field: 'cpuMicros' | 'mainThreadMicros') => (after[field] - before[field]) / (after.requests - before.requests)
  for (let round = 1; round <= rounds; round++) {
    const before = await Promise.all(servers.map((server) => usage(server.child)))
    await Promise.all(servers.map((server) => load(server.url, seconds, connections)))
    // A writer thread finishes its last batch after the load: its CPU belongs to these requests.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const after = await Promise.all(servers.map((server) => usage(server.child)))
    servers.forEach((server, i) => {
      server.cpu.push(per(before[i] as Usage, after[i] as Usage, 'cpuMicros'))
      server.main.push(per(before[i] as Usage, after[i] as Usage, 'mainThreadMicros'))
    })
    console.log(
      `round ${round}: ${servers.map((server) => `${server.name} ${server.cpu.at(-1)?.toFixed(1)} / ${server.main.at(-1)?.toFixed(1)} µs`).join(', ')}`,
    )
  }
} finally {
  for (const server of servers) await stopServer(server)
}

const first = servers[0] as Figures
const ratios = (mine: number[], theirs: number[]) => mine.map((value, round) => value / (theirs[round] as number))
console.log(
  `\nCPU per request (all threads / main thread), median of ${rounds} rounds of ${seconds} s side by side; ratios: median of each round's ratio to ${positionals[0]}'s:`,
)
for (const server of servers) {
  const cpu = ratios(server.cpu, first.cpu)
  const main = ratios(server.main, first.main)
  console.log(
    `  ${server.name.padEnd(40)} ${median(server.cpu).toFixed(2).padStart(6)} / ${median(server.main).toFixed(2).padStart(6)} µs` +
      (server === first
        ? ''
        : `  ratios ${median(cpu).toFixed(3)} / ${median(main).toFixed(3)} (main thread by round: ${main.map((ratio) => ratio.toFixed(2)).join(' ')})`),
  )
}
