// The hello-world bench servers as child processes, for bench/overhead.ts and bench/side-by-side.ts:
// start one, load it with autocannon, ask it what it used.
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import autocannon from 'autocannon'

/** What a server reports over IPC: CPU time of all its threads and of its main thread (µs), requests answered, what statgraph recorded. */
export interface Usage {
  cpuMicros: number
  mainThreadMicros: number
  requests: number
  /** statgraph's recorder, when on. */
  recorded?: { written: number; buffered: number; dropped: number }
}

export interface BenchServer {
  child: ChildProcess
  url: string
}

/**
 * Starts `framework`'s hello world in `mode`; `folder`: another checkout (built) whose bench
 * servers and statgraph run instead of this one's; `nodeOptions`: Node's flags for it.
 */
export async function startServer(framework: string, mode: string, folder?: string, nodeOptions: string[] = []): Promise<BenchServer> {
  const server =
    folder === undefined ? new URL(`./servers/${framework}-hello.ts`, import.meta.url).pathname : join(folder, `bench/servers/${framework}-hello.ts`)
  const child = spawn(process.execPath, [...nodeOptions, '--import', 'tsx', server, mode], {
    ...(folder === undefined ? {} : { cwd: folder }),
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  })
  const [line] = (await once(createInterface({ input: child.stdout as NonNullable<typeof child.stdout> }), 'line')) as [string]
  return { child, url: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}/` }
}

export async function usage(child: ChildProcess): Promise<Usage> {
  child.send('usage')
  const [message] = (await once(child, 'message')) as [Usage]
  return message
}

/**
 * Marks the start or the end of a window of allocation on the app's thread of a server started
 * with `--expose-gc`; at the end, the bytes allocated since the start (and promoted to the old
 * generation by scavenges), and the requests answered so far.
 */
export async function allocation(child: ChildProcess, mark: 'start' | 'stop'): Promise<{ allocated: number; promoted: number; requests: number }> {
  child.send(`allocation-${mark}`)
  const [message] = (await once(child, 'message')) as [{ allocated: number; promoted: number; requests: number }]
  return message
}

export async function stopServer({ child }: BenchServer): Promise<void> {
  child.kill()
  await once(child, 'exit')
}

/** Real traffic carries a browser's user agent (autocannon sends none): its bytes are copied, parsed and stored. */
const USER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'

/** Loads `url` for `seconds` over `connections`; the requests per second, after checking every answer was a 2xx. */
export async function load(url: string, seconds: number, connections = 50): Promise<number> {
  return (await fire(url, { duration: seconds, connections })).requests.average
}

/** Sends exactly `amount` requests to `url` over `connections`, checking every answer was a 2xx. */
export async function send(url: string, amount: number, connections: number): Promise<void> {
  await fire(url, { amount, connections })
}

async function fire(url: string, options: { duration: number; connections: number } | { amount: number; connections: number }): Promise<autocannon.Result> {
  const result = await autocannon({ url, pipelining: 1, headers: { 'user-agent': USER_AGENT }, ...options })
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`)
  return result
}
