import { describe, expect, it } from 'vitest'
import { createDashboard } from '../../src/dashboard/dashboard.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { record } from '../helpers/records.js'

function dashboard(access: 'open' | 'forbidden' = 'open', defaultDateSpan = 7) {
  const store = new SqliteStore({ database: ':memory:' })
  return {
    store,
    handle: createDashboard({ store, prefix: '/stats', defaultDateSpan, access, now: () => Date.UTC(2026, 0, 15, 18) }),
  }
}
const get = (path: string, init?: RequestInit) => new Request(`http://localhost/stats${path}`, init)

describe('createDashboard', () => {
  it('answers the stats API for the default span ending at its clock’s today', async () => {
    const { store, handle } = dashboard()
    await store.insertBatch([record({ date: Date.UTC(2026, 0, 15, 1) }), record({ date: Date.UTC(2026, 0, 8, 23) })])
    const response = await handle(get('/api/stats'))
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.json()).toMatchObject({ start: '2026-01-09', end: '2026-01-15', bucket: 'day', hits: 1 })
    await store.close()
  })

  it('answers the longest default span there is, 3660 days, in weekly points; and months when asked', async () => {
    const { store, handle } = dashboard('open', 3660)
    await store.insertBatch([record({ date: Date.UTC(2016, 0, 20) }), record({ date: Date.UTC(2021, 5, 1) }), record({ date: Date.UTC(2026, 0, 15, 1) })])
    const weekly = (await (await handle(get('/api/stats'))).json()) as {
      start: string
      bucket: string
      hits: number
      timeseries: { t: string; hits: number }[]
    }
    expect(weekly).toMatchObject({ start: '2016-01-09', end: '2026-01-15', bucket: 'week', hits: 3 })
    expect(weekly.timeseries).toHaveLength(524)
    expect(weekly.timeseries.filter((point) => point.hits > 0).map((point) => point.t)).toEqual([
      '2016-01-18T00:00:00.000Z',
      '2021-05-31T00:00:00.000Z',
      '2026-01-12T00:00:00.000Z',
    ])
    const monthly = (await (await handle(get('/api/stats?bucket=month'))).json()) as { timeseries: { t: string }[] }
    expect(monthly.timeseries).toHaveLength(121)
    const tooFine = await handle(get('/api/stats?bucket=day'))
    expect(tooFine.status).toBe(400)
    expect(((await tooFine.json()) as { error: string }).error).toContain('pick a wider bucket: week or month')
    await store.close()
  })

  it('answers the search API with matching values, and a bad search with a 400 that says why', async () => {
    const { store, handle } = dashboard()
    await store.insertBatch([record({ path: '/Docs/a', date: Date.UTC(2026, 0, 15, 1) }), record({ path: '/docs/b', date: Date.UTC(2026, 0, 14) })])
    const found = await handle(get('/api/search?field=path&q=docs'))
    expect(await found.json()).toEqual({
      field: 'path',
      q: 'docs',
      rows: [
        { key: '/Docs/a', count: 1 },
        { key: '/docs/b', count: 1 },
      ],
    })
    for (const [query, message] of [
      ['field=path', '"q" is the text to look for'],
      ['q=docs', '"field" is needed'],
      ['field=password&q=x', '"field" must be one of path, route'],
      [`field=path&q=${'x'.repeat(201)}`, '"q" must be at most 200 characters'],
    ]) {
      const refused = await handle(get(`/api/search?${query}`))
      expect(refused.status).toBe(400)
      expect(((await refused.json()) as { error: string }).error).toContain(message)
    }
    await store.close()
  })

  it('exports CSV and NDJSON with the same columns in the same order', async () => {
    const { store, handle } = dashboard()
    await store.insertBatch([record({ date: Date.UTC(2026, 0, 15, 1) })])
    const csv = await (await handle(get('/api/requests?format=csv'))).text()
    const ndjson = await (await handle(get('/api/requests?format=ndjson'))).text()
    expect(Object.keys(JSON.parse(ndjson.trim()) as object)).toEqual(csv.split('\r\n')[0]?.split(','))
    await store.close()
  })

  it('answers 403 with a hint everywhere when closed', async () => {
    const { store, handle } = dashboard('forbidden')
    for (const path of ['', '/api/stats', '/assets/app.js']) {
      const response = await handle(get(path))
      expect(response.status).toBe(403)
      expect(await response.text()).toContain('public: true')
    }
    await store.close()
  })

  it('serves its assets with an ETag and answers 304 to a matching If-None-Match', async () => {
    const { store, handle } = dashboard()
    const first = await handle(get('/assets/app.css'))
    const etag = first.headers.get('etag')
    expect(first.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(etag).toMatch(/^"[0-9a-f]{16}"$/)
    const again = await handle(get('/assets/app.css', { headers: { 'if-none-match': etag as string } }))
    expect(again.status).toBe(304)
    expect((await handle(get('/assets/nope.js'))).status).toBe(404)
    await store.close()
  })

  it('escapes its prefix into the page and sets a strict policy', async () => {
    const store = new SqliteStore({ database: ':memory:' })
    const handle = createDashboard({ store, prefix: '/a"b<c', defaultDateSpan: 7, access: 'open' })
    const response = await handle(new Request('http://localhost/a"b<c'))
    const html = await response.text()
    expect(html).toContain('data-prefix="/a&quot;b&lt;c"')
    expect(html).not.toContain('<c"')
    expect(html).not.toMatch(/<script>(?!<\/script>)/)
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'")
    await store.close()
  })

  it('preloads the calls of the view its URL names, for whole days only, escaped', async () => {
    const { store, handle } = dashboard()
    const preloads = async (search: string) =>
      [...(await (await handle(get(search))).text()).matchAll(/<link rel="preload" as="fetch" crossorigin="anonymous" href="([^"]*)">/g)].map(
        (match) => match[1],
      )
    expect(await preloads('')).toEqual([
      '/stats/api/stats?start=2026-01-09&amp;end=2026-01-15',
      '/stats/api/stats?from=2026-01-02T00%3A00%3A00.000Z&amp;to=2026-01-09T00%3A00%3A00.000Z',
      '/stats/api/health',
      '/stats/api/requests?start=2026-01-09&amp;end=2026-01-15&amp;limit=50&amp;offset=0',
      '/stats/api/releases?start=2026-01-09&amp;end=2026-01-15',
      '/stats/api/instances?start=2026-01-09&amp;end=2026-01-15',
      '/stats/api/alerts',
    ])
    // A preset ending now would name another instant by the time the page asks: nothing to preload.
    expect(await preloads('?range=1h')).toEqual([])
    const hostile = await (await handle(get('?path=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E'))).text()
    expect(hostile).not.toContain('<script>alert')
    expect(await preloads('?path=%22%3E%3Cscript%3E')).toContain('/stats/api/stats?path=%22%3E%3Cscript%3E&amp;start=2026-01-09&amp;end=2026-01-15')
    await store.close()
  })

  it('refuses methods other than GET and HEAD', async () => {
    const { store, handle } = dashboard()
    const response = await handle(get('/api/stats', { method: 'DELETE' }))
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('GET, HEAD')
    await store.close()
  })
})
