import { once } from 'node:events'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { type InstanceProcess, startInstance } from '../helpers/instance-process.js'
import { tempDir } from '../helpers/temp-dir.js'
import { poll } from '../helpers/wait-for.js'

const dir = tempDir()
let fileNumber = 0

/** Requests /hit/<n> from 8 clients until `stop()` is called or the app goes away; what was answered, and when. */
/** Clients sending at once. */
const CLIENTS = 8

function load(instance: InstanceProcess) {
  const answered = new Map<string, number>()
  let next = 0
  let stopped = false
  const clients = Array.from({ length: CLIENTS }, async () => {
    while (!stopped) {
      const path = `/hit/${next++}`
      try {
        const response = await fetch(`${instance.url}${path}`)
        if (response.status === 200 && (await response.text()) === `hit ${path.slice(5)}`) answered.set(path, Date.now())
      } catch {
        return // the app is gone
      }
    }
  })
  return { answered, stop: () => (stopped = true), done: Promise.all(clients) }
}

function storedPaths(file: string): Set<string> {
  const db = new Database(file, { readonly: true })
  try {
    return new Set((db.prepare('select path from request').all() as { path: string }[]).map((row) => row.path))
  } finally {
    db.close()
  }
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5))
}

describe('shutting down mid-load', () => {
  it('with flushOnExit, SIGTERM writes every answered request before the process ends', async () => {
    const file = join(dir, `shutdown-${++fileNumber}.db`)
    const instance = await startInstance({ DATABASE: file, TABLE: 'request', FLUSH_ON_EXIT: '1' })
    const traffic = load(instance)
    await waitFor(() => traffic.answered.size >= 500)
    instance.child.kill('SIGTERM')
    const [code, signal] = await once(instance.child, 'exit')
    traffic.stop()
    await traffic.done
    // The process ends as SIGTERM ends it, after statgraph's flush.
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' })
    const stored = storedPaths(file)
    const missing = [...traffic.answered.keys()].filter((path) => !stored.has(path))
    expect(traffic.answered.size).toBeGreaterThanOrEqual(500)
    expect(missing).toEqual([])
  })

  it('with SIGKILL, loses at most the requests answered in the last flush window', async () => {
    const file = join(dir, `shutdown-${++fileNumber}.db`)
    const instance = await startInstance({ DATABASE: file, TABLE: 'request' })
    // Warm up: the writer thread has started and written, as in an app that has been serving a while.
    await fetch(`${instance.url}/hit/warm-up`)
    await poll(
      async () => (await (await fetch(`${instance.url}/recorder`)).json()) as { written: number },
      (c) => c.written === 1,
      'the first write',
    )
    const traffic = load(instance)
    await waitFor(() => traffic.answered.size >= 500)
    const killedAt = Date.now()
    instance.child.kill('SIGKILL')
    await once(instance.child, 'exit')
    traffic.stop()
    await traffic.done
    const stored = storedPaths(file)
    const lost = [...traffic.answered].filter(([path]) => !stored.has(path))
    // The app under test writes every 100 ms; a batch being written when the kill came is lost too.
    const window = Math.max(0, ...lost.map(([, at]) => killedAt - at))
    console.log(`SIGKILL: ${lost.length} of ${traffic.answered.size} answered requests lost, answered within ${window} ms before the kill`)
    // What is lost is the last answered, not written yet: the tail of the answers, give or take the
    // eight clients' requests in flight, never one written long before.
    const tail = new Set([...traffic.answered.keys()].slice(-(lost.length + CLIENTS)))
    expect(lost.filter(([path]) => !tail.has(path))).toEqual([])
    expect(lost.length).toBeLessThan(traffic.answered.size)
  })
})
