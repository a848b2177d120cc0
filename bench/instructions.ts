// What a request costs the app's thread in instructions, per framework and mode, counted by
// valgrind's callgrind: a count that does not drift with the machine's speed, where bench/overhead.ts's
// throughput moves ±15 % a turn on two shared cores (on a quiet machine: under other load, V8's
// compiler threads finish later and the count rises). Each server runs under callgrind with counting
// off, takes `--warmup` requests, then counts exactly `--requests` more (autocannon,
// 10 connections, every answer checked). Prints the main thread's instructions per request, and
// against plain's and the floor's. Only the app's thread: under callgrind's slowed clock the
// recorders' threads write a timer's small batches, not the full ones of 5000 they write under load.
// Usage: npm run bench:instructions [-- --frameworks express,fastify,koa,hono,node --modes plain,floor,statgraph --requests 5000 --warmup 10000 --runs 1]
// Needs valgrind (Debian's package).
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { median } from './median.js'
import { send } from './server-process.js'

const { values } = parseArgs({
  options: {
    frameworks: { type: 'string', default: 'express,fastify,koa,hono,node' },
    modes: { type: 'string', default: 'plain,floor,statgraph' },
    requests: { type: 'string', default: '5000' },
    warmup: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '1' },
  },
})
const requests = Number(values.requests)
/** Requests before counting: fewer leave V8 still compiling the hot paths, and the counts high and uneven. */
const warmup = Number(values.warmup)
const modes = values.modes.split(',')
if (spawnSync('valgrind', ['--version']).error !== undefined) throw new Error('bench:instructions needs valgrind: apt-get install valgrind')

/** Instructions per request of a server's main thread, over `requests` requests after `warmup`. */
async function count(framework: string, mode: string): Promise<number> {
  const folder = mkdtempSync(join(tmpdir(), 'statgraph-callgrind-'))
  const server = new URL(`./servers/${framework}-hello.ts`, import.meta.url).pathname
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      '--separate-threads=yes',
      `--callgrind-out-file=${join(folder, 'out.%p')}`,
      process.execPath,
      '--import',
      'tsx',
      server,
      mode,
    ],
    { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, NODE_ENV: 'production' } },
  )
  try {
    const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> })
    const [line] = (await once(lines, 'line')) as [string]
    const url = `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}/`
    await send(url, warmup, 10)
    control(child.pid, '--instr=on')
    await send(url, requests, 10)
    control(child.pid, '--instr=off')
    control(child.pid, '--dump')
    // The dump's part 1, thread 1: the main thread's count.
    const main = readdirSync(folder).find((name) => name.endsWith('.1-01'))
    if (main === undefined) throw new Error(`${framework} ${mode}: callgrind wrote no count of the main thread`)
    return totalOf(readFileSync(join(folder, main), 'utf8')) / requests
  } finally {
    child.kill()
    await once(child, 'exit')
    rmSync(folder, { recursive: true, force: true })
  }
}

function control(pid: number | undefined, command: string): void {
  const result = spawnSync('callgrind_control', [command, String(pid)], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`callgrind_control ${command} failed: ${result.stderr}`)
}

function totalOf(dump: string): number {
  const match = /^totals: (\d+)/m.exec(dump)
  if (match === null) throw new Error('a callgrind dump without totals')
  return Number(match[1])
}

for (const framework of values.frameworks.split(',')) {
  const counts = new Map<string, number[]>()
  for (let run = 0; run < Number(values.runs); run++) {
    for (const mode of modes) counts.set(mode, [...(counts.get(mode) ?? []), await count(framework, mode)])
  }
  for (const [mode, main] of counts) {
    const against = ['plain', 'floor']
      .filter((other) => other !== mode && counts.has(other))
      .map((other) => `${(median(main) / median(counts.get(other) ?? [])).toFixed(3)} of ${other}'s`)
    console.log(
      `${framework.padEnd(8)} ${mode.padEnd(18)} ${Math.round(median(main)).toLocaleString('en')} instructions a request on the app's thread${against.length > 0 ? ` (${against.join(', ')})` : ''}`,
    )
  }
}
