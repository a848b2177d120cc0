import { createServer } from 'node:http'
import { join } from 'node:path'
import Fastify from 'fastify'
import pino from 'pino'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { statgraph as fastifyStatgraph } from '../../src/adapters/fastify.js'
import { statgraph as nodeStatgraph } from '../../src/adapters/node.js'
import { resolveOptions } from '../../src/core/statgraph-options.js'
import type { Logger } from '../../src/log/logger.js'
import { listen } from '../adapters/apps/listen.js'
import { tempDir } from '../helpers/temp-dir.js'
import { poll } from '../helpers/wait-for.js'

// A database that cannot be opened: a SQLite file in a folder that does not exist.
const unwritable = join(tempDir(), 'missing-folder', 'stats.db')
const closers: (() => Promise<unknown>)[] = []
afterEach(async () => {
  vi.restoreAllMocks()
  for (const close of closers.splice(0)) await close().catch(() => undefined)
})

function memoryLogger(): { lines: string[]; logger: Logger } {
  const lines: string[] = []
  const keep = (level: string) => (message: string) => void lines.push(`${level} ${message}`)
  return { lines, logger: { error: keep('error'), warn: keep('warn'), info: keep('info') } }
}

describe('the logger option', () => {
  it('gets every line statgraph has to say, and the console none', async () => {
    const consoleLines = (['error', 'warn', 'info', 'log'] as const).map((method) => vi.spyOn(console, method).mockImplementation(() => {}))
    const { lines, logger } = memoryLogger()
    const listener = nodeStatgraph((_req, res) => res.end('hi'), { database: unwritable, logger, recorder: { flushInterval: 50 } })
    const server = await listen(createServer(listener))
    closers.push(
      () => server.close(),
      () => listener.close(),
    )
    expect(await (await fetch(`${server.url}/`)).text()).toBe('hi')
    expect((await fetch(`${server.url}/statistics/api/stats`)).status).toBe(503)
    await poll(
      async () => lines,
      (seen) => seen.some((line) => line.startsWith('error statgraph: writing request statistics failed')),
      'the failed write to be logged',
    )
    expect(lines).toContainEqual(expect.stringMatching(/^error statgraph: the dashboard could not read the statistics/))
    for (const spy of consoleLines) expect(spy).not.toHaveBeenCalled()
  })

  it('is Fastify’s app.log by default in the Fastify plugin', async () => {
    const logged: string[] = []
    const app = Fastify({ logger: { level: 'info', stream: { write: (line: string) => void logged.push(line) } } })
    await app.register(fastifyStatgraph, { database: unwritable, recorder: { flushInterval: 50 } })
    app.get('/', async () => 'hi')
    closers.push(() => app.close())
    expect((await app.inject({ method: 'GET', url: '/' })).body).toBe('hi')
    const line = await poll(
      async () =>
        logged
          .map((text) => JSON.parse(text) as { level: number; msg: string })
          .find((entry) => entry.msg.startsWith('statgraph: writing request statistics failed')),
      (entry) => entry !== undefined,
      'the failed write in the app’s log',
    )
    // pino's level for error.
    expect(line?.level).toBe(50)
  })

  it('takes a pino logger as it is, as the README shows', async () => {
    const logged: string[] = []
    const stream = { write: (line: string) => void logged.push(line) }
    const listener = nodeStatgraph((_req, res) => res.end('hi'), { database: unwritable, logger: pino({}, stream), recorder: { flushInterval: 50 } })
    const server = await listen(createServer(listener))
    closers.push(
      () => server.close(),
      () => listener.close(),
    )
    await fetch(`${server.url}/`)
    const line = await poll(
      async () =>
        logged
          .map((text) => JSON.parse(text) as { level: number; msg: string })
          .find((entry) => entry.msg.startsWith('statgraph: writing request statistics failed')),
      (entry) => entry !== undefined,
      'the failed write in pino’s output',
    )
    expect(line?.level).toBe(50)
  })

  it('is refused, naming what it lacks, when it is not logger-shaped', () => {
    expect(() => resolveOptions({ logger: { error: () => {} } as unknown as Logger })).toThrow(/"logger" must have error, warn and info .* it lacks warn, info/)
  })
})
