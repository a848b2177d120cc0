// What statgraph costs an Express app: hello-world throughput with statgraph vs without, each
// server in its own process, the same autocannon load, rounds alternated so drift hits both alike.
// Prints the ratio. Usage: npm run bench [-- --seconds 10 --rounds 3]
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, rounds: { type: 'string', default: '3' } } })
const seconds = Number(values.seconds)
const rounds = Number(values.rounds)
const modes = ['plain', 'statgraph'] as const

async function startServer(mode: string): Promise<{ child: ChildProcess; url: string }> {
  const server = new URL('./servers/express-hello.ts', import.meta.url).pathname
  const child = spawn(process.execPath, ['--import', 'tsx', server, mode], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } })
  const [line] = (await once(createInterface({ input: child.stdout as NonNullable<typeof child.stdout> }), 'line')) as [string]
  return { child, url: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}/` }
}

async function load(url: string, duration: number): Promise<number> {
  const result = await autocannon({ url, connections: 50, pipelining: 1, duration })
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`)
  return result.requests.average
}

const results: Record<(typeof modes)[number], number[]> = { plain: [], statgraph: [] }
for (let round = 1; round <= rounds; round++) {
  const order = round % 2 === 1 ? modes : ([...modes].reverse() as typeof modes[number][])
  for (const mode of order) {
    const { child, url } = await startServer(mode)
    await load(url, 2) // warm-up: JIT, connection pool, SQLite file
    const rps = await load(url, seconds)
    results[mode].push(rps)
    console.log(`round ${round} ${mode.padEnd(9)} ${Math.round(rps)} req/s`)
    child.kill()
    await once(child, 'exit')
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number
const plain = median(results.plain)
const withStatgraph = median(results.statgraph)
console.log(`\nExpress hello world, median of ${rounds} rounds × ${seconds} s, 50 connections:`)
console.log(`  plain      ${Math.round(plain)} req/s`)
console.log(`  statgraph  ${Math.round(withStatgraph)} req/s`)
console.log(`  ratio statgraph / plain = ${(withStatgraph / plain).toFixed(3)} (cost ${((1 - withStatgraph / plain) * 100).toFixed(1)}% of throughput)`)
