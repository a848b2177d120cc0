import { createServer, type ServerResponse } from 'node:http'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { statgraph } from '../../src/adapters/express.js'
import { HISTOGRAM_RELATIVE_ERROR } from '../../src/stats/sketch/latency-histogram.js'
import type { Store } from '../../src/store/store.js'
import { EXPRESS_VERSIONS, type RunningApp, startApp } from '../helpers/express-app.js'
import { addRoutes } from './apps/express-app.js'
import { LARGE_SIZE, STREAM_CHUNKS } from './apps/app-setup.js'
import { listen } from './apps/listen.js'
import { generateRecords } from '../helpers/records.js'
import { tempDir } from '../helpers/temp-dir.js'

const dir = tempDir()
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:72.0) Gecko/20100101 Firefox/72.0'

const running: RunningApp[] = []
afterEach(async () => {
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
  await Promise.all(running.splice(0).map((app) => app.close()))
})

describe.each(EXPRESS_VERSIONS)('statgraph on %s', (name, express) => {
  async function start(...args: Parameters<typeof startApp> extends [unknown, unknown, ...infer Rest] ? Rest : never) {
    const app = await startApp(express, dir, ...args)
    running.push(app)
    return app
  }

  /** The conformance suite's routes; the behaviour every adapter shares is tested there. */
  const routes = (app: import('../helpers/express-app.js').App) => addRoutes(app, express)
  const routesOf = (app: import('../helpers/express-app.js').App) => (routes(app), app)

  it.skipIf(name === 'Express 4')('records an error thrown by an async handler (Express 5 catches rejections)', async () => {
    const app = await start({}, (app) => {
      app.get('/async-throw', async () => {
        await Promise.resolve()
        throw new RangeError('out of range')
      })
    })
    vi.spyOn(console, 'error').mockImplementation(() => {})
    expect((await fetch(`${app.url}/async-throw`)).status).toBe(500)
    await app.stats.flush()
    expect(app.rows().map((row) => [row.status_code, row.exception])).toEqual([[500, 'RangeError: out of range']])
  })

  it('records the error text even when the app has its own error handler', async () => {
    const app = await start({}, (app) => {
      routes(app)
      app.get('/teapot', () => {
        throw Object.assign(new Error('no coffee'), { status: 418 })
      })
      app.use((error: Error & { status?: number }, _req: unknown, res: import('express').Response, _next: unknown) => {
        res.status(error.status ?? 500).json({ message: 'handled' })
      })
    })
    const boom = await fetch(`${app.url}/boom`)
    expect(await boom.json()).toEqual({ message: 'handled' })
    expect((await fetch(`${app.url}/async-boom`)).status).toBe(500)
    expect((await fetch(`${app.url}/teapot`)).status).toBe(418)
    expect((await fetch(`${app.url}/`)).status).toBe(200)
    await app.stats.flush()
    expect(app.rows().map((row) => [row.path, row.status_code, row.exception])).toEqual([
      ['/boom', 500, 'Error: division by zero'],
      ['/async-boom', 500, 'TypeError: lookup failed'],
      // The status the client got is kept: the app's handler decided on 418.
      ['/teapot', 418, 'Error: no coffee'],
      ['/', 200, null],
    ])
  })

  describe('bytes, counted on the app’s response prototype', () => {
    /** The body bytes each answer brought, in the order asked, with the rows recorded for them. */
    async function sizes(app: RunningApp, paths: string[]) {
      const received: number[] = []
      for (const path of paths) received.push((await (await fetch(`${app.url}${path}`)).arrayBuffer()).byteLength)
      await app.stats.flush()
      return { received, recorded: app.rows().map((row) => row.size) }
    }

    it('counts what a mounted sub-app and a sub-app of it send', async () => {
      const app = await start({}, (app) => {
        const inner = express()
        inner.get('/deep', (_req, res) => {
          res.send('from the inner sub-app')
        })
        const outer = express()
        outer.use('/inner', inner)
        outer.get('/stream', (_req, res) => {
          res.write('one, ')
          res.end(Buffer.from('two'))
        })
        app.use('/outer', outer)
        routes(app)
      })
      const { received, recorded } = await sizes(app, ['/outer/inner/deep', '/outer/stream', '/large'])
      expect(received).toEqual([22, 8, LARGE_SIZE])
      expect(recorded).toEqual(received)
    })

    it('counts once what an instrumentation that wrapped the response before Express sends', async () => {
      // OpenTelemetry's http instrumentation wraps `res.end` on each response before the app runs,
      // around the prototype; this one's `write` looks its original up anew on every call.
      const app = await start({}, routes, (_req, res) => {
        const end = res.end
        res.end = function (this: ServerResponse, ...args: unknown[]) {
          return (end as (...args: unknown[]) => ServerResponse).apply(this, args)
        } as ServerResponse['end']
        res.write = function (this: ServerResponse, ...args: unknown[]) {
          return (Object.getPrototypeOf(this).write as (...args: unknown[]) => boolean).apply(this, args)
        } as ServerResponse['write']
      })
      const { received, recorded } = await sizes(app, ['/', '/stream', '/large'])
      expect(received).toEqual([12, Buffer.byteLength(STREAM_CHUNKS.join('')), LARGE_SIZE])
      expect(recorded).toEqual(received)
    })

    it('counts what a middleware that rewrites the body sends, not what the handler gave it', async () => {
      const app = await start({}, (app) => {
        app.use((_req, res, next) => {
          const end = res.end
          res.end = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
            this.removeHeader('content-length')
            const body = Buffer.concat([Buffer.from(chunk as string), Buffer.from(', rewritten')])
            return (end as (...args: unknown[]) => ServerResponse).call(this, body, ...rest)
          } as typeof res.end
          next()
        })
        app.get('/', (_req, res) => {
          res.send('Hello World!')
        })
      })
      const { received, recorded } = await sizes(app, ['/'])
      expect(received).toEqual([23])
      expect(recorded).toEqual(received)
    })

    it('leaves the responses of another app in the process whole and unrecorded', async () => {
      const recordedApp = await start({}, routes)
      const other = await listen(createServer(routesOf(express())))
      try {
        expect(await (await fetch(`${other.url}/`)).text()).toBe('Hello World!')
        expect(await (await fetch(`${recordedApp.url}/`)).text()).toBe('Hello World!')
      } finally {
        await other.close()
      }
      await recordedApp.stats.flush()
      expect(recordedApp.rows().map((row) => [row.path, row.size])).toEqual([['/', 12]])
    })

    it.skipIf(name === 'Express 5')('records an answer Express 4 gives before its own setup, with its size and error', async () => {
      // Express 4 parses the query string before it swaps the prototypes: the answer to a parser
      // that throws goes out around the counting wrappers. The parser is read when the router is made.
      const app = express()
      app.set('query parser', () => {
        throw new Error('unreadable query')
      })
      const file = join(dir, `before-setup-${name}.db`)
      const stats = statgraph(app, { database: file })
      const server = await listen(createServer(routesOf(app)))
      vi.spyOn(console, 'error').mockImplementation(() => {})
      try {
        const response = await fetch(`${server.url}/?q=1`)
        expect(response.status).toBe(500)
        const body = (await response.arrayBuffer()).byteLength
        expect(body).toBeGreaterThan(0)
        await stats.flush()
        const db = new Database(file, { readonly: true })
        const rows = db.prepare('select status_code, size, exception from request').all()
        db.close()
        expect(rows).toEqual([{ status_code: 500, size: body, exception: 'Error: unreadable query' }])
      } finally {
        await server.close()
        await stats.close()
      }
    })
  })

  describe('protect', () => {
    it('hands an error thrown by an async protect to the app’s error handling', async () => {
      const app = await start(
        {
          protect: async () => {
            throw new Error('auth backend down')
          },
        },
        (app) => {
          routes(app)
          app.use((error: Error, _req: unknown, res: import('express').Response, _next: unknown) => {
            res.status(503).send(error.message)
          })
        },
      )
      const response = await fetch(`${app.url}/statistics`)
      expect(response.status).toBe(503)
      expect(await response.text()).toBe('auth backend down')
    })

    it('runs protect mounted at the prefix, as app.use(prefix, protect) would, and for dashboard requests only', async () => {
      const seen: string[][] = []
      const app = await start(
        {
          protect: (req, _res, next) => {
            seen.push([req.baseUrl, req.url, req.originalUrl])
            next()
          },
        },
        routes,
      )
      expect((await fetch(`${app.url}/`)).status).toBe(200)
      expect((await fetch(`${app.url}/statisticsx`)).status).toBe(404)
      expect((await fetch(`${app.url}/statistics/api/stats`)).status).toBe(200)
      expect(seen).toEqual([['/statistics', '/api/stats', '/statistics/api/stats']])
      await app.stats.flush()
      expect(app.rows().map((row) => row.path)).toEqual(['/', '/statisticsx'])
    })

    it('closes the dashboard in production without protect, unless public', async () => {
      vi.stubEnv('NODE_ENV', 'production')
      const closed = await start({}, routes)
      const response = await fetch(`${closed.url}/statistics/api/stats`)
      expect(response.status).toBe(403)
      expect(await response.text()).toMatch(/Pass `protect`.*or `public: true`/)
      const open = await start({ public: true }, routes)
      expect((await fetch(`${open.url}/statistics/api/stats`)).status).toBe(200)
    })
  })

  describe('disable', () => {
    it("asks with Express's own request, once Express has made it one", async () => {
      // statgraph starts following each response before Express swaps its prototypes in; the hook
      // still gets the request the app's middleware gets.
      const app = await start({ disable: (req) => req.get('x-no-stats') === '1' || req.path === '/about' }, (app) => {
        app.get('/', (_req, res) => res.send('Hello World!'))
        app.get('/about', (_req, res) => res.send('About'))
      })
      await fetch(`${app.url}/`, { headers: { 'x-no-stats': '1' } })
      await fetch(`${app.url}/about`)
      await fetch(`${app.url}/?kept`)
      await app.stats.flush()
      expect(app.rows().map((row) => [row.path, row.size])).toEqual([['/', 12]])
    })

    it('treats an opt-out function that throws as an opt-out, and the app still answers', async () => {
      const app = await start(
        {
          disable: () => {
            throw new Error('session store down')
          },
        },
        routes,
      )
      expect(await (await fetch(`${app.url}/`)).text()).toBe('Hello World!')
      await app.stats.flush()
      expect(app.rows()).toHaveLength(0)
    })
  })

  describe('JSON API', () => {
    it('answers the default span: the last 7 days, today included', async () => {
      const app = await start({}, routes)
      const today = new Date().toISOString().slice(0, 10)
      const day = (offset: number) => Date.parse(`${today}T00:00:00Z`) + offset * 86_400_000
      await app.stats.store.insertBatch(generateRecords(3, day(-6), 1).concat(generateRecords(5, day(-7), 1)))
      const stats = (await (await fetch(`${app.url}/statistics/api/stats`)).json()) as any
      expect(stats.end).toBe(today)
      expect(stats.start).toBe(new Date(day(-6)).toISOString().slice(0, 10))
      expect(stats.hits).toBe(3)
      expect(stats.timeseries).toHaveLength(7)
    })

    it('answers what the rows say, counted independently', async () => {
      const app = await start({ trustProxy: true }, routes)
      vi.spyOn(console, 'error').mockImplementation(() => {})
      const plan = [
        ...Array.from({ length: 20 }, (_, i) => ({ path: '/', ip: `198.51.100.${i % 5}` })),
        ...Array.from({ length: 7 }, (_, i) => ({ path: '/boom', ip: `198.51.100.${i % 3}` })),
        ...Array.from({ length: 9 }, (_, i) => ({ path: `/missing/${i % 2}`, ip: '203.0.113.9' })),
      ]
      await Promise.all(plan.map(({ path, ip }) => fetch(`${app.url}${path}`, { headers: { 'x-forwarded-for': ip, 'user-agent': FIREFOX } })))
      await app.stats.flush()
      const rows = app.rows()
      expect(rows).toHaveLength(plan.length)

      const stats = (await (await fetch(`${app.url}/statistics/api/stats`)).json()) as any
      expect(stats.hits).toBe(rows.length)
      expect(stats.uniqueHits).toBe(new Set(rows.map((row) => row.remote_address)).size)
      expect(stats.uniqueHits).toBe(6)
      expect(stats.errors).toBe(rows.filter((row) => Number(row.status_code) >= 500).length)
      expect(stats.bytes).toBe(rows.reduce((sum, row) => sum + Number(row.size), 0))
      expect(stats.statusCodes).toEqual([
        { key: 200, count: 20 },
        { key: 404, count: 9 },
        { key: 500, count: 7 },
      ])
      expect(stats.paths.map((p: { key: string; count: number }) => [p.key, p.count])).toEqual([
        ['/', 20],
        ['/boom', 7],
        ['/missing/0', 5],
        ['/missing/1', 4],
      ])
      expect(stats.exceptions).toMatchObject([{ key: 'Error: division by zero', count: 7 }])
      expect(stats.browsers).toEqual([{ key: 'firefox 72.0', count: 36 }])
      const times = rows.map((row) => Number(row.response_time)).sort((a, b) => a - b)
      // From rollups: within the latency histogram's stated error of the exact nearest-rank value.
      const exactP95 = times[Math.ceil(0.95 * times.length) - 1] as number
      expect(Math.abs((stats.responseTime.p95 as number) - exactP95)).toBeLessThanOrEqual(exactP95 * HISTOGRAM_RELATIVE_ERROR)
      expect(stats.responseTime.max).toBe(times.at(-1))
      for (const key of ['timeseries', 'methods', 'platforms', 'referrers', 'mimetypes']) expect(stats).toHaveProperty(key)

      const filtered = (await (await fetch(`${app.url}/statistics/api/stats?path=/boom`)).json()) as any
      expect(filtered.hits).toBe(7)
      const list = (await (await fetch(`${app.url}/statistics/api/requests?limit=10&status=404`)).json()) as any
      expect(list.total).toBe(9)
      expect(list.rows).toHaveLength(9)
      expect(list.rows.every((row: { status_code: number }) => row.status_code === 404)).toBe(true)
    })

    it('exports rows as CSV with formula cells neutralised', async () => {
      const app = await start({}, routes)
      await fetch(`${app.url}/`, { headers: { 'user-agent': '=HYPERLINK("http://evil.example","x")' } })
      await app.stats.flush()
      const response = await fetch(`${app.url}/statistics/api/requests?format=csv`)
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
      const [header, line] = (await response.text()).trim().split('\r\n')
      expect(header?.split(',').slice(0, 4)).toEqual(['index', 'date', 'method', 'path'])
      expect(line).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`)
    })

    describe('refused queries', () => {
      // One app answers them all: each case is a request, not an app.
      let app: RunningApp
      beforeAll(async () => {
        app = await startApp(express, dir, {}, routes)
      })
      afterAll(async () => {
        await app.close()
      })

      it.each([
        'api/stats?start=2024-13-01',
        'api/stats?start=2024-01-10&end=2024-01-01',
        'api/stats?end=tomorrow',
        'api/stats?status=999',
        'api/stats?status=abc',
        "api/stats?start=2024-01-01'%20OR%20'1'='1",
        'api/stats?path=%27%20OR%201%3D1--',
        'api/stats?method=SELECT%20*',
        'api/stats?nope=1',
        'api/requests?limit=1000000',
        'api/requests?limit=-5',
        'api/requests?offset=-1',
        'api/requests?format=xml',
        'api/requests?start=2024-02-30',
      ])('answers %s with 400 and a JSON error', async (path) => {
        const response = await fetch(`${app.url}/statistics/${path}`)
        expect(response.status).toBe(400)
        expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8')
        const body = (await response.json()) as any
        expect(typeof body.error).toBe('string')
        expect(body.error).not.toMatch(/\n\s+at /)
      })
    })

    it('treats a SQL-looking path filter as a plain value', async () => {
      const app = await start({}, routes)
      await fetch(`${app.url}/`)
      await app.stats.flush()
      const response = await fetch(`${app.url}/statistics/api/stats?path=${encodeURIComponent("/' OR '1'='1")}`)
      expect(response.status).toBe(200)
      expect(((await response.json()) as { hits: number }).hits).toBe(0)
      expect(app.rows()).toHaveLength(1)
    })
  })

  it('serves the page with a strict Content-Security-Policy and its assets from the package', async () => {
    const app = await start({}, routes)
    const page = await fetch(`${app.url}/statistics`)
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
    const html = await page.text()
    const script = /src="([^"]+app\.js[^"]*)"/.exec(html)?.[1]
    expect(script).toMatch(/^\/statistics\/assets\/app\.js\?v=/)
    const asset = await fetch(`${app.url}${script}`)
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect((await asset.text()).length).toBeGreaterThan(1000)
    expect((await fetch(`${app.url}/statistics/api/other`)).status).toBe(404)
    expect((await fetch(`${app.url}/statistics/api/stats`, { method: 'POST' })).status).toBe(405)
  })

  it('keeps every response intact while the store throws', async () => {
    const failing: Store = {
      migrate: async () => {},
      insertBatch: async () => {
        throw new Error('disk full')
      },
      stats: async () => {
        throw new Error('disk full')
      },
      requests: async () => {
        throw new Error('disk full')
      },
      search: async () => {
        throw new Error('disk full')
      },
      requestsAfter: async () => {
        throw new Error('disk full')
      },
      prune: async () => 0,
      pruneRollups: async () => 0,
      close: async () => {},
      exists: async () => true,
      async *eachPage() {},
      importedContents: async () => [],
      releases: async () => [],
      annotate: async () => {
        throw new Error('disk full')
      },
      annotations: async () => [],
      insertRuntime: async () => {
        throw new Error('disk full')
      },
      runtime: async () => ({ points: [], lastSamples: [] }),
      alerts: () => {
        throw new Error('disk full')
      },
    }
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {})
    const app = await start({ database: failing, recorder: { flushInterval: 10 } }, routes)
    for (let i = 0; i < 30; i++) {
      const response = await fetch(`${app.url}/`)
      expect(response.status).toBe(200)
      expect(await response.text()).toBe('Hello World!')
    }
    await expect(app.stats.flush()).rejects.toThrow('disk full')
    expect(app.stats.counts()).toMatchObject({ buffered: 30, written: 0 })
    const api = await fetch(`${app.url}/statistics/api/stats`)
    expect(api.status).toBe(503)
    expect(await api.json()).toEqual({ error: 'the statistics database could not be read; see the server log' })
    expect(errors).toHaveBeenCalled()
    running.splice(running.indexOf(app), 1)
    await app.close().catch(() => {})
  })

  it('leaves exactly N rows after close(), N requests later', async () => {
    const app = await start({ recorder: { batchSize: 64 } }, routes)
    const N = 300
    for (let i = 0; i < N; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => fetch(`${app.url}/?n=${i + j}`).then((r) => r.text())))
    }
    // The helper closes the HTTP server first, as a graceful shutdown does, then statgraph.
    running.splice(running.indexOf(app), 1)
    await app.close()
    expect(app.rows()).toHaveLength(N)
  })
})
