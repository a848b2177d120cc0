import Router from '@koa/router'
import Fastify from 'fastify'
import { Hono } from 'hono'
import Koa from 'koa'
import mount from 'koa-mount'
import { afterEach, describe, expect, it } from 'vitest'
import { statgraph as expressStatgraph } from '../../src/adapters/express.js'
import { statgraph as fastifyStatgraph } from '../../src/adapters/fastify.js'
import { statgraph as honoStatgraph } from '../../src/adapters/hono.js'
import { statgraph as koaStatgraph } from '../../src/adapters/koa.js'
import type { Logger } from '../../src/log/logger.js'
import type { StatgraphHandle } from '../../src/core/statgraph.js'
import type { StatgraphError } from '../../src/errors/statgraph-error.js'
import { EXPRESS_VERSIONS } from '../helpers/express-app.js'

// Where statgraph would miss requests or serve a broken dashboard, setup says so, naming the fix.

const handles: StatgraphHandle[] = []
afterEach(async () => {
  await Promise.all(handles.splice(0).map((handle) => handle.close()))
})

/** A logger that keeps what it is told. */
function keptLog(): Logger & { lines: string[] } {
  const lines: string[] = []
  const keep = (line: string) => void lines.push(line)
  return { lines, error: keep, warn: keep, info: keep }
}

/** The error `setup` throws (or rejects with). */
async function refusal(setup: () => unknown): Promise<{ code?: string; message: string }> {
  try {
    const handle = await setup()
    if (handle !== undefined) handles.push(handle as StatgraphHandle)
  } catch (error) {
    return { code: (error as StatgraphError).code, message: (error as Error).message }
  }
  throw new Error('set up without an error')
}

const OPTIONS = { database: ':memory:' }

describe.each(EXPRESS_VERSIONS)('statgraph on %s, placed wrong', (_name, express) => {
  it('refuses routes and routers added before it, naming the first', async () => {
    const app = express()
    app.use(express.json())
    app.get('/users/:id', (_req, res) => void res.send('user'))
    expect(await refusal(() => expressStatgraph(app, OPTIONS))).toEqual({
      code: 'STATGRAPH_MISPLACED',
      message: expect.stringContaining('the route GET /users/:id was added to the app before statgraph(app)'),
    })
    const routed = express()
    routed.use('/api', express.Router())
    expect(await refusal(() => expressStatgraph(routed, OPTIONS))).toMatchObject({
      code: 'STATGRAPH_MISPLACED',
      message: expect.stringContaining('a router or sub-app'),
    })
  })

  it('takes middleware added before it', () => {
    const app = express()
    app.use(express.json())
    handles.push(expressStatgraph(app, OPTIONS))
  })

  it('refuses a Router, and an app with statgraph mounted in another app', async () => {
    expect(await refusal(() => expressStatgraph(express.Router(), OPTIONS))).toMatchObject({
      code: 'STATGRAPH_MISPLACED',
      message: expect.stringContaining('not a Router'),
    })
    const admin = express()
    handles.push(expressStatgraph(admin, OPTIONS))
    expect(await refusal(() => express().use('/admin', admin))).toMatchObject({
      code: 'STATGRAPH_MISPLACED',
      message: expect.stringContaining('mounted in another app at "/admin"'),
    })
  })
})

describe('the Fastify plugin, placed wrong', () => {
  it('refuses to be registered inside another plugin’s scope, prefixed or not', async () => {
    for (const prefix of ['/admin', undefined]) {
      const app = Fastify()
      const scoped = () => app.register(async (scope) => void (await scope.register(fastifyStatgraph, OPTIONS)), prefix === undefined ? {} : { prefix })
      expect(await refusal(scoped)).toMatchObject({
        code: 'STATGRAPH_MISPLACED',
        message: expect.stringContaining(prefix === undefined ? "not inside another plugin's scope:" : `scope (prefix "${prefix}")`),
      })
      await app.close()
    }
  })

  it('records routes added before it: Fastify applies hooks when it starts', async () => {
    const app = Fastify()
    app.get('/early', async () => 'early')
    await app.register(fastifyStatgraph, OPTIONS)
    await app.inject('/early')
    await app.statgraph.flush()
    expect(app.statgraph.counts().written).toBe(1)
    await app.close()
  })
})

describe('the Koa middleware, placed wrong', () => {
  it('warns once when routers come before it, on the first request it sees', async () => {
    const logger = keptLog()
    const app = new Koa()
    const router = new Router().get('/', (ctx) => void (ctx.body = 'home'))
    app.use(router.routes())
    const stats = koaStatgraph({ ...OPTIONS, logger })
    handles.push(stats)
    app.use(stats)
    const server = app.listen(0)
    const { port } = server.address() as { port: number }
    for (const path of ['/', '/statistics/api/health', '/missing']) await fetch(`http://127.0.0.1:${port}${path}`)
    server.close()
    expect(logger.lines).toEqual([expect.stringContaining('app.use(stats) comes after 1 router(s)')])
  })

  it('answers a clear error, once logged, when mounted under another path', async () => {
    const logger = keptLog()
    const inner = new Koa()
    const stats = koaStatgraph({ ...OPTIONS, logger })
    handles.push(stats)
    inner.use(stats)
    const app = new Koa()
    app.use(mount('/admin', inner))
    const server = app.listen(0)
    const { port } = server.address() as { port: number }
    const answers = await Promise.all(['/admin/statistics', '/admin/statistics/api/stats'].map((path) => fetch(`http://127.0.0.1:${port}${path}`)))
    server.close()
    expect(answers.map((answer) => answer.status)).toEqual([500, 500])
    expect(await answers[0]?.text()).toContain('the dashboard was reached at "/admin/statistics", outside its prefix "/statistics"')
    expect(logger.lines).toHaveLength(1)
  })
})

describe('the Hono dashboard, mounted wrong', () => {
  it('answers a clear error when app.route() mounts it at another path than the prefix, and works at the prefix', async () => {
    const logger = keptLog()
    const stats = honoStatgraph({ ...OPTIONS, logger })
    handles.push(stats)
    const app = new Hono()
    app.use(stats.middleware)
    app.route('/stats', stats.app)
    app.route('/statistics', stats.app)
    const wrong = await app.request('/stats/api/health')
    expect(wrong.status).toBe(500)
    expect(await wrong.text()).toContain('Mount it at "/statistics", or set the prefix option')
    expect((await app.request('/statistics/api/health')).status).toBe(200)
    expect(logger.lines).toHaveLength(1)
  })
})
