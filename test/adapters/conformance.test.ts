import { request } from 'node:http'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { type AppOptions, LARGE_SIZE, type RunningServer, SLOW_MS, STREAM_CHUNKS } from './apps/app-setup.js'
import { APP_SETUPS } from './apps/index.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { hasNginx, startNginx } from '../helpers/nginx.js'
import { generateRecords } from '../helpers/records.js'
import { tempDir } from '../helpers/temp-dir.js'
import { poll } from '../helpers/wait-for.js'

// One suite, every adapter: the same requests must give the same rows and the same API answers.
// What differs between frameworks is only the app in ./apps/.

const dir = tempDir()
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:72.0) Gecko/20100101 Firefox/72.0'
let fileNumber = 0
const nginxHere = hasNginx('the reverse-proxy tests')
const running: RunningServer[] = []
afterEach(async () => {
  vi.restoreAllMocks()
  await Promise.all(running.splice(0).map((server) => server.close()))
})

function rowsOf(file: string): Record<string, unknown>[] {
  const db = new Database(file, { readonly: true })
  try {
    return db.prepare('select * from request order by "index"').all() as Record<string, unknown>[]
  } finally {
    db.close()
  }
}

describe.each(APP_SETUPS.map((setup) => [setup.name, setup] as const))('adapter conformance: %s', (_name, setup) => {
  async function start(options: Omit<AppOptions, 'database'> = {}) {
    const file = join(dir, `conformance-${++fileNumber}.db`)
    const server = await setup.start({ database: file, ...options })
    running.push(server)
    return { ...server, file, rows: () => rowsOf(file) }
  }

  /** Sends a request and gives the status, body bytes and content type the client received. */
  async function send(url: string, init: RequestInit = {}) {
    const response = await fetch(url, { redirect: 'manual', ...init })
    const body = Buffer.from(await response.arrayBuffer())
    return { status: response.status, size: body.byteLength, body, type: response.headers.get('content-type') }
  }

  it('records a GET with every field', async () => {
    const app = await start()
    const before = Date.now()
    const got = await send(`${app.url}/?q=1&token=secret`, { headers: { 'user-agent': FIREFOX, referer: 'https://example.com/page' } })
    expect(got.body.toString()).toBe('Hello World!')
    await app.stats.flush()
    const rows = app.rows()
    expect(rows).toHaveLength(1)
    const [row] = rows
    expect(row).toMatchObject({
      method: 'GET',
      size: 12,
      status_code: 200,
      path: '/',
      user_agent: FIREFOX,
      remote_address: '127.0.0.1',
      exception: null,
      referrer: 'https://example.com/page',
      browser: 'firefox 72.0',
      platform: 'windows',
      mimetype: 'text/html',
      bot: 0,
    })
    expect(row?.response_time).toBeGreaterThan(0)
    const date = Date.parse(`${String(row?.date).replace(' ', 'T')}Z`)
    expect(date).toBeGreaterThanOrEqual(before - 1)
    expect(date).toBeLessThanOrEqual(Date.now())
  })

  it('records POST with a body, HEAD, 404, large and streamed bodies with the bytes sent', async () => {
    const app = await start()
    const post = await send(`${app.url}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'chair' }) })
    expect(post.status).toBe(201)
    expect(JSON.parse(post.body.toString())).toEqual({ received: { name: 'chair' } })
    const head = await send(`${app.url}/`, { method: 'HEAD' })
    const missing = await send(`${app.url}/nowhere`)
    const large = await send(`${app.url}/large`)
    const stream = await send(`${app.url}/stream`)
    const user = await send(`${app.url}/users/42`)
    expect([head.status, missing.status, large.status, stream.status, user.status]).toEqual([200, 404, 200, 200, 200])
    expect(large.size).toBe(LARGE_SIZE)
    expect(stream.body.toString()).toBe(STREAM_CHUNKS.join(''))
    await app.stats.flush()
    const rows = app.rows()
    expect(rows.map((row) => [row.method, row.path, row.status_code, row.size, row.mimetype, row.exception])).toEqual([
      ['POST', '/items', 201, post.size, 'application/json', null],
      ['HEAD', '/', 200, 0, 'text/html', null],
      ['GET', '/nowhere', 404, missing.size, missing.type?.split(';')[0] ?? null, null],
      ['GET', '/large', 200, LARGE_SIZE, 'application/octet-stream', null],
      ['GET', '/stream', 200, Buffer.byteLength(STREAM_CHUNKS.join('')), 'text/plain', null],
      ['GET', '/users/42', 200, user.size, 'application/json', null],
    ])
    // The stream took two 10 ms pauses; its time covers them.
    expect(Number(rows[4]?.response_time)).toBeGreaterThanOrEqual(15)
    // The matched route pattern, where the framework has routes; none for a 404.
    const route = (pattern: string | null) => (setup.knowsRoutes ? pattern : null)
    expect(rows.map((row) => row.route)).toEqual([route('/items'), route('/'), null, route('/large'), route('/stream'), route('/users/:id')])
  })

  it('records thrown sync and async errors as 500 with their text', async () => {
    const app = await start()
    vi.spyOn(console, 'error').mockImplementation(() => {})
    expect((await send(`${app.url}/boom`)).status).toBe(500)
    expect((await send(`${app.url}/async-boom`)).status).toBe(500)
    await app.stats.flush()
    expect(app.rows().map((row) => [row.path, row.status_code, row.exception])).toEqual([
      ['/boom', 500, 'Error: division by zero'],
      ['/async-boom', 500, 'TypeError: lookup failed'],
    ])
  })

  it('keeps a non-ASCII path readable', async () => {
    const app = await start()
    await send(`${app.url}/caf%C3%A9/%E6%97%A5%E6%9C%AC?x=1`)
    await app.stats.flush()
    expect(app.rows().map((row) => [row.path, row.status_code])).toEqual([['/café/日本', 404]])
  })

  it('ignores every form of an ignored path that the framework serves from the same handler, and stores none under its name', async () => {
    const app = await start({ ignore: ['/users/7'] })
    const variants = ['/users/7', '/users/7/', '/Users/7', '/USERS/7/', '/users/%37', '/u%73ers/7', '/users/7?x=1']
    const served: string[] = []
    for (const variant of variants) {
      const got = await send(`${app.url}${variant}`)
      if (got.status === 200 && got.body.toString() === '{"id":"7"}') served.push(variant)
    }
    await send(`${app.url}/users/8`)
    await app.stats.flush()
    const rows = app.rows()
    const recorded = rows.map((row) => String(row.path))
    expect(served.length).toBeGreaterThanOrEqual(2)
    // Stored paths are decoded: none under the ignored name (what the dashboard would show), none
    // that the users handler answered for 7; other forms the framework does not route there stay.
    expect(recorded).not.toContain('/users/7')
    for (const variant of served) expect(recorded).not.toContain(decodeURI(variant.split('?')[0] as string))
    expect(recorded).toContain('/users/8')
  })

  it('records a request whose client hung up before the answer as 499, apart from answers given', async () => {
    const app = await start()
    await send(`${app.url}/`)
    const hangUp = new AbortController()
    const request = fetch(`${app.url}/slow`, { signal: hangUp.signal }).catch((error: unknown) => error)
    await new Promise((resolve) => setTimeout(resolve, 150))
    hangUp.abort()
    expect(await request).toBeInstanceOf(Error)
    await poll(
      async () => (await app.stats.flush(), app.rows()),
      (rows) => rows.some((row) => row.path === '/slow'),
      'the abandoned request to be recorded',
    )
    // The handler answers later, to a gone client: nothing more is recorded.
    await new Promise((resolve) => setTimeout(resolve, SLOW_MS))
    await app.stats.flush()
    const rows = app.rows()
    expect(rows.map((row) => [row.path, row.status_code])).toEqual([
      ['/', 200],
      ['/slow', 499],
    ])
    expect(rows[1]?.response_time).toBeGreaterThanOrEqual(100)
    expect(rows[1]?.response_time).toBeLessThan(SLOW_MS)
    // Who hung up is known too, although their socket was gone when the response closed.
    expect(rows[1]?.remote_address).toBe('127.0.0.1')
    const stats = JSON.parse((await send(`${app.url}/statistics/api/stats`)).body.toString())
    expect(stats).toMatchObject({ hits: 2, errors: 0 })
    expect(stats.statusCodes).toEqual([
      { key: 200, count: 1 },
      { key: 499, count: 1 },
    ])
  })

  it('skips what disable picks', async () => {
    const app = await start({ disable: true })
    await send(`${app.url}/`, { headers: { cookie: 'a=1; disable_stat=True' } })
    await send(`${app.url}/`, { headers: { cookie: 'a=1' } })
    await app.stats.flush()
    expect(app.rows()).toHaveLength(1)
  })

  it('guards the dashboard with protect: allow, deny, redirect; never records it', async () => {
    const allowed = await start({ protect: 'allow' })
    const ok = await send(`${allowed.url}/statistics/api/stats`)
    expect(ok.status).toBe(200)
    expect(JSON.parse(ok.body.toString())).toMatchObject({ hits: 0 })
    expect((await send(`${allowed.url}/statistics`)).type).toBe('text/html; charset=utf-8')

    // protect guards the page, its assets and its API alike.
    const everything = [
      '/statistics',
      '/statistics/assets/app.js',
      '/statistics/assets/app.css',
      '/statistics/api/stats',
      '/statistics/api/requests?format=csv',
    ]
    const denied = await start({ protect: 'deny' })
    for (const path of everything) {
      const no = await send(`${denied.url}${path}`)
      expect({ path, status: no.status, body: JSON.parse(no.body.toString()) }).toEqual({ path, status: 401, body: { error: 'log in first' } })
    }

    const redirected = await start({ protect: 'redirect' })
    for (const path of everything) {
      const moved = await fetch(`${redirected.url}${path}`, { redirect: 'manual' })
      expect({ path, status: moved.status, location: moved.headers.get('location') }).toEqual({ path, status: 302, location: '/login' })
    }

    for (const app of [allowed, denied, redirected]) {
      await app.stats.flush()
      expect(app.rows()).toEqual([])
    }
  })

  it('takes a note by POST from the dashboard itself only, behind protect, and lists it on the range', async () => {
    const app = await start({ protect: 'allow' })
    const post = (body: string, headers: Record<string, string> = {}) =>
      send(`${app.url}/statistics/api/annotations`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })
    const made = await post(JSON.stringify({ text: 'Deployed <b>1.1.0</b>', at: '2026-01-05T10:00:00Z' }), { 'sec-fetch-site': 'same-origin' })
    expect({ status: made.status, body: JSON.parse(made.body.toString()) }).toEqual({
      status: 201,
      body: { at: '2026-01-05T10:00:00.000Z', text: 'Deployed <b>1.1.0</b>' },
    })
    // Another site's page, a form's content type, no text, broken JSON: refused, nothing kept.
    expect((await post(JSON.stringify({ text: 'from elsewhere' }), { 'sec-fetch-site': 'cross-site' })).status).toBe(403)
    const form = await send(`${app.url}/statistics/api/annotations`, {
      method: 'POST',
      body: 'text=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(form.status).toBeGreaterThanOrEqual(400)
    expect(form.status).toBeLessThan(500)
    for (const [body, reason] of [
      [JSON.stringify({ text: '' }), /"text" must be a non-empty string/],
      [JSON.stringify({ text: 'x', at: 'yesterday' }), /"at" must be an instant/],
      // Fastify parses JSON bodies itself and answers its own 400.
      ['{"text": ', /JSON|Bad Request/],
    ] as const) {
      const bad = await post(body)
      expect({ status: bad.status, error: JSON.parse(bad.body.toString()).error }).toEqual({ status: 400, error: expect.stringMatching(reason) })
    }
    expect((await send(`${app.url}/statistics/api/annotations`)).status).toBeGreaterThanOrEqual(404)
    const listed = await send(`${app.url}/statistics/api/releases?start=2026-01-05&end=2026-01-05`)
    expect(JSON.parse(listed.body.toString())).toEqual({
      releases: [],
      annotations: [{ at: '2026-01-05T10:00:00.000Z', text: 'Deployed <b>1.1.0</b>' }],
      comparison: null,
    })
    const denied = await start({ protect: 'deny' })
    const refused = await send(`${denied.url}/statistics/api/annotations`, {
      method: 'POST',
      body: '{"text":"x"}',
      headers: { 'content-type': 'application/json' },
    })
    expect(refused.status).toBe(401)
    await app.stats.flush()
    expect(app.rows()).toEqual([])
  })

  it('guards the dashboard with built-in Basic auth or a bearer token, with security headers everywhere', async () => {
    const everything = ['/statistics', '/statistics/assets/app.js', '/statistics/api/stats', '/statistics/api/requests?format=csv']
    const basic = await start({ auth: { username: 'admin', password: 'pä55:word' } })
    const good = `Basic ${Buffer.from('admin:pä55:word').toString('base64')}`
    for (const path of everything) {
      const no = await fetch(`${basic.url}${path}`, { headers: { authorization: `Basic ${Buffer.from('admin:wrong').toString('base64')}` } })
      await no.arrayBuffer()
      expect({ path, status: no.status, challenge: no.headers.get('www-authenticate') }).toEqual({
        path,
        status: 401,
        challenge: 'Basic realm="statistics", charset="UTF-8"',
      })
      const yes = await fetch(`${basic.url}${path}`, { headers: { authorization: good } })
      await yes.arrayBuffer()
      expect({ path, status: yes.status }).toEqual({ path, status: 200 })
      expect(yes.headers.get('x-content-type-options')).toBe('nosniff')
      expect(yes.headers.get('referrer-policy')).toBe('same-origin')
      expect(yes.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    }
    const token = await start({ auth: { token: 'k3y' } })
    expect((await fetch(`${token.url}/statistics/api/stats`)).status).toBe(401)
    expect((await fetch(`${token.url}/statistics/api/stats`, { headers: { authorization: 'Bearer k3yy' } })).status).toBe(401)
    expect((await fetch(`${token.url}/statistics/api/stats`, { headers: { authorization: 'bearer k3y' } })).status).toBe(200)
    for (const app of [basic, token]) {
      await app.stats.flush()
      expect(app.rows()).toEqual([])
    }
  })

  it('streams CSV and NDJSON exports of many pages, row for row as the API lists them', async () => {
    const app = await start()
    const store = new SqliteStore({ database: app.file })
    const records = generateRecords(1300, Date.now() - 3 * 86_400_000, 3, 21)
    await store.insertBatch(records.map((r, i) => ({ ...r, user_agent: i % 2 === 0 ? '＝cmd|"/c calc"' : r.user_agent })))
    await store.close()
    const listed: { index: number; user_agent: string }[] = []
    for (let offset = 0; offset < 1300; offset += 1000) {
      listed.push(...JSON.parse((await send(`${app.url}/statistics/api/requests?limit=1000&offset=${offset}`)).body.toString()).rows)
    }
    expect(listed).toHaveLength(1300)
    const ndjson = await send(`${app.url}/statistics/api/requests?format=ndjson`)
    expect(ndjson.type).toBe('application/x-ndjson; charset=utf-8')
    expect(
      ndjson.body
        .toString()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(listed)
    const csv = (await send(`${app.url}/statistics/api/requests?format=csv&limit=1200&offset=50`)).body.toString()
    const lines = csv.trim().split('\r\n')
    expect(lines.slice(1).map((line) => Number(line.split(',')[0]))).toEqual(listed.slice(50, 1250).map((row) => row.index))
    const hostile = listed.slice(50, 1250).filter((row) => row.user_agent.startsWith('＝')).length
    expect(hostile).toBeGreaterThan(500)
    expect(lines.filter((line) => line.includes(`"'＝cmd|""/c calc"""`))).toHaveLength(hostile)
  })

  /** Sends a GET through nginx at `port` from the local address `client`, with a forged X-Forwarded-For if given. */
  function viaProxy(port: number, client: string, forged?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const headers = { 'user-agent': FIREFOX, ...(forged === undefined ? {} : { 'x-forwarded-for': forged }) }
      request({ host: '127.0.0.1', port, path: '/', localAddress: client, headers }, (response) => {
        response.resume().on('end', () => resolve(response.statusCode ?? 0))
      })
        .on('error', reject)
        .end()
    })
  }

  /** The client addresses recorded for requests from 127.0.0.2 (once with a forged entry) and 127.0.0.3 through a real nginx. */
  async function throughNginx(options: Omit<AppOptions, 'database'>) {
    const app = await start(options)
    const nginx = await startNginx(dir, `location / { proxy_pass ${app.url}; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; }`)
    try {
      for (const [client, forged] of [['127.0.0.2', '203.0.113.7'], ['127.0.0.3'], ['127.0.0.2']] as const)
        expect(await viaProxy(nginx.port, client, forged)).toBe(200)
    } finally {
      await nginx.stop()
    }
    await app.stats.flush()
    const stats = JSON.parse((await send(`${app.url}/statistics/api/stats`)).body.toString()) as { uniqueHits: number }
    return { addresses: app.rows().map((row) => row.remote_address), uniqueHits: stats.uniqueHits }
  }

  it.skipIf(!nginxHere)('behind a real nginx, tells clients apart by the proxy setting and believes no forged entry', async () => {
    // The framework's own setting where it has one (Express `trust proxy`, Fastify `trustProxy`, Koa
    // `app.proxy`), statgraph's `trustProxy` on Hono and node:http: one proxy trusted.
    const behind = await throughNginx(setup.frameworkProxy ? { frameworkProxy: true } : { trustProxy: 1 })
    expect(behind).toEqual({ addresses: ['127.0.0.2', '127.0.0.3', '127.0.0.2'], uniqueHits: 2 })
    // Trusting no proxy, every client is nginx.
    expect((await throughNginx({})).addresses).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1'])
  })

  it.skipIf(!nginxHere || !setup.frameworkProxy)("lets statgraph's trustProxy override the framework's setting", async () => {
    expect((await throughNginx({ frameworkProxy: true, trustProxy: false })).addresses).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1'])
    expect((await throughNginx({ trustProxy: true })).addresses).toEqual(['203.0.113.7', '127.0.0.3', '127.0.0.2'])
  })

  it('answers the same API for the same requests', async () => {
    const app = await start({ trustProxy: true })
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const plan = [
      ...Array.from({ length: 6 }, (_, i) => ['/', `198.51.100.${i % 3}`]),
      ...Array.from({ length: 3 }, () => ['/boom', '198.51.100.7']),
      ...Array.from({ length: 4 }, (_, i) => [`/users/${i % 2}`, '203.0.113.9']),
      ['/nowhere', '203.0.113.10'],
    ]
    for (const [path, ip] of plan) await send(`${app.url}${path}`, { headers: { 'x-forwarded-for': ip as string, 'user-agent': FIREFOX } })
    await app.stats.flush()
    const stats = JSON.parse((await send(`${app.url}/statistics/api/stats`)).body.toString())
    expect(stats).toMatchObject({
      hits: 14,
      uniqueHits: 6,
      errors: 3,
      statusCodes: [
        { key: 200, count: 10 },
        { key: 500, count: 3 },
        { key: 404, count: 1 },
      ],
      methods: [{ key: 'GET', count: 14 }],
      browsers: [{ key: 'firefox 72.0', count: 14 }],
      platforms: [{ key: 'windows', count: 14 }],
      exceptions: [{ key: 'Error: division by zero', count: 3 }],
    })
    expect(stats.paths.map((p: { key: string; count: number }) => [p.key, p.count])).toEqual([
      ['/', 6],
      ['/boom', 3],
      ['/users/0', 2],
      ['/users/1', 2],
      ['/nowhere', 1],
    ])
    if (setup.knowsRoutes) {
      expect(stats.routes.map((r: { key: string | null; count: number }) => [r.key, r.count])).toEqual([
        ['/', 6],
        ['/users/:id', 4],
        ['/boom', 3],
        [null, 1],
      ])
      const byRoute = JSON.parse((await send(`${app.url}/statistics/api/stats?route=${encodeURIComponent('/users/:id')}`)).body.toString())
      expect(byRoute.hits).toBe(4)
    }
    const list = JSON.parse((await send(`${app.url}/statistics/api/requests?status=5xx`)).body.toString())
    expect(list.total).toBe(3)
    const bad = await send(`${app.url}/statistics/api/stats?start=2024-13-01`)
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body.toString()).error).toMatch(/"start" must be a date/)
  })
})
