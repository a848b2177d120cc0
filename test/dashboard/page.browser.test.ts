import { mkdirSync, readFileSync } from 'node:fs'
import express from 'express'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Stats } from '../../src/stats/answer/stats.js'
import { hasChromium, launchChromium } from '../helpers/chromium.js'
import { startApp, type RunningApp } from '../helpers/express-app.js'
import { generateRecords, record } from '../helpers/records.js'
import { tempDir } from '../helpers/temp-dir.js'

const chromiumHere = hasChromium('the dashboard page tests')
// The README links to these.
const SCREENSHOTS = new URL('../../docs/screenshots/', import.meta.url).pathname
const WRITE_SCREENSHOTS = process.env.STATGRAPH_SCREENSHOTS === '1'

const dir = tempDir()
// Each payload sets a flag or opens a dialog if it ever runs.
const XSS = {
  path: '/<img src=x onerror="window.__pwned=1">',
  user_agent: '<script>window.__pwned=2</script>',
  referrer: 'javascript:window.__pwned=3//</title><svg onload=alert(4)>',
  exception: 'Error: </title><script>alert(5)</script><img src=x onerror=alert(6)>',
}

describe.skipIf(!chromiumHere)('the dashboard page in headless Chromium', () => {
  let browser: Browser
  let app: RunningApp

  beforeAll(async () => {
    app = await startApp(express, dir, {}, (app) => {
      app.get('/', (_req, res) => {
        res.send('Hello World!')
      })
    })
    const now = Date.now()
    const today = Date.parse(`${new Date(now).toISOString().slice(0, 10)}T00:00:00Z`)
    // Five days of traffic up to 10 minutes ago, and the hostile request just now.
    const past = generateRecords(800, today - 4 * 86_400_000, 5).filter((r) => r.date < now - 600_000)
    await app.stats.store.insertBatch([...past, record({ date: now - 1000, status_code: 500, ...XSS })])
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  /** A page that records console errors, script errors, dialogs and every URL it requests. */
  async function open(path = '/statistics', options: Parameters<Browser['newPage']>[0] = {}) {
    const page = await browser.newPage({ locale: 'en-US', ...options })
    const problems: string[] = []
    const requested: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text())
    })
    page.on('pageerror', (error) => problems.push(error.message))
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`)
      void dialog.dismiss()
    })
    page.on('request', (request) => requested.push(request.url()))
    await page.goto(`${app.url}${path}`)
    await page.locator('main[aria-busy="false"]').waitFor()
    return { page, problems, requested }
  }

  /** The API's answer for exactly the parameters of the page's last stats request. */
  async function apiAsPageAsked(requested: string[]): Promise<Stats> {
    const last = requested.filter((url) => url.includes('/api/stats?')).at(-2)
    return (await fetch(last as string)).json() as Promise<Stats>
  }

  const cardNumber = async (page: Page, name: string) => Number((await page.locator(`.card-value[title="${name}"]`).textContent())?.replaceAll(',', ''))
  const tableMap = async (page: Page, id: string) =>
    new Map(
      await page
        .locator(`#${id} tbody tr`)
        .evaluateAll((rows) => rows.map((row) => [row.children[0]?.textContent ?? '', Number(row.children[1]?.textContent?.replaceAll(',', ''))] as const)),
    )

  it('shows the numbers the API gives in every panel, with no console error and no request elsewhere', async () => {
    const { page, problems, requested } = await open()
    const stats = await apiAsPageAsked(requested)
    expect(stats.hits).toBeGreaterThan(500)
    expect(await cardNumber(page, 'hits')).toBe(stats.hits)
    expect(await cardNumber(page, 'uniqueHits')).toBe(stats.uniqueHits)
    expect(await page.locator('.card-value[title="p95"]').textContent()).toBe(`${Math.round(stats.responseTime.p95 as number)} ms`)
    expect(await tableMap(page, 'routes')).toEqual(new Map(stats.paths.map((p) => [p.key, p.count])))
    expect(await tableMap(page, 'status-codes')).toEqual(new Map(stats.statusCodes.map((e) => [String(e.key), e.count])))
    expect(await tableMap(page, 'browsers')).toEqual(new Map(stats.browsers.map((e) => [e.key ?? '(none)', e.count])))
    expect(await tableMap(page, 'exceptions')).toEqual(new Map(stats.exceptions.map((e) => [e.key, e.count])))
    // The traffic and latency charts; the instances panel draws runtime charts too once samples come.
    expect(await page.locator('.chart:not(.runtime-chart) .uplot canvas').count()).toBe(2)
    expect(await page.locator('#requests tbody tr').count()).toBe(50)
    expect(problems).toEqual([])
    expect(requested.filter((url) => !url.startsWith(`${app.url}/statistics`))).toEqual([])
    await page.close()
  })

  it('shows strangers’ payloads as text and never runs them', async () => {
    const { page, problems } = await open('/statistics?range=1h')
    await expect.poll(() => page.locator('#routes td', { hasText: XSS.path }).count()).toBe(1)
    expect(await page.locator('#referrers td', { hasText: XSS.referrer }).count()).toBe(1)
    expect(await page.locator('#exceptions td', { hasText: XSS.exception }).count()).toBe(1)
    expect(await page.locator('#requests td', { hasText: XSS.user_agent }).count()).toBe(1)
    // Clicking through keeps them text: the filter chip, the filtered view.
    await page.locator('#exceptions a', { hasText: XSS.exception }).click()
    await page.locator('.chip', { hasText: XSS.exception }).waitFor()
    expect(await page.locator('main img, main script, main svg:not(.uplot svg)').count()).toBe(0)
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined()
    expect(await page.title()).toBe('Statistics')
    expect(problems).toEqual([])
    await page.close()
  })

  it('filters every panel and the URL on a click, and the URL reopens the same view; back undoes it', async () => {
    const { page, requested } = await open()
    await page.locator('#routes a', { hasText: /^\/users\/1$/ }).click()
    await page.locator('.chip', { hasText: 'Path: /users/1' }).waitFor()
    await page.locator('main[aria-busy="false"]').waitFor()
    expect(new URL(page.url()).searchParams.get('path')).toBe('/users/1')
    const stats = await apiAsPageAsked(requested)
    expect(new URL(requested.filter((url) => url.includes('/api/stats?')).at(-2) as string).searchParams.get('path')).toBe('/users/1')
    expect(await cardNumber(page, 'hits')).toBe(stats.hits)
    expect(await tableMap(page, 'routes')).toEqual(new Map([['/users/1', stats.hits]]))
    expect(await tableMap(page, 'methods')).toEqual(new Map(stats.methods.map((e) => [e.key, e.count])))
    expect(new Set(await page.locator('#requests tbody td:nth-child(2)').allTextContents())).toEqual(new Set(['/users/1']))

    // A second filter from another panel narrows further; both chips show.
    await page.locator('#status-codes a', { hasText: '200' }).click()
    await page.locator('.chip', { hasText: 'Status: 200' }).waitFor()
    const url = page.url()
    expect(new URL(url).searchParams.get('status')).toBe('200')

    const reopened = await open(new URL(url).pathname + new URL(url).search)
    expect(await reopened.page.locator('.chip').allTextContents()).toEqual(['Path: /users/1 ×', 'Status: 200 ×'])
    expect(await cardNumber(reopened.page, 'hits')).toBe((await apiAsPageAsked(reopened.requested)).hits)
    await reopened.page.close()

    await page.goBack()
    await expect.poll(() => page.locator('.chip').count()).toBe(1)
    await page.getByRole('button', { name: 'Remove filter Path /users/1' }).click()
    await expect.poll(() => page.locator('.chip').count()).toBe(0)
    expect(new URL(page.url()).searchParams.get('path')).toBeNull()
    await page.close()
  })

  it('groups routes by pattern, and a click on a pattern filters the page by route', async () => {
    const { page, requested } = await open()
    await page.getByRole('button', { name: 'Route pattern' }).click()
    await expect.poll(() => new URL(page.url()).searchParams.get('group')).toBe('route')
    await page.locator('main[aria-busy="false"]').waitFor()
    const all = await apiAsPageAsked(requested)
    expect(await tableMap(page, 'routes')).toEqual(new Map(all.routes.map((r) => [r.key ?? '(no route)', r.count])))
    await page.locator('#routes a', { hasText: '/users/:id' }).click()
    await page.locator('.chip', { hasText: 'Route: /users/:id' }).waitFor()
    await page.locator('main[aria-busy="false"]').waitFor()
    const filtered = await apiAsPageAsked(requested)
    expect(await cardNumber(page, 'hits')).toBe(filtered.hits)
    expect(filtered.hits).toBe(all.routes.find((r) => r.key === '/users/:id')?.count)
    const paths = new Set(await page.locator('#requests tbody td:nth-child(2)').allTextContents())
    expect(paths).toEqual(new Set(['/users/1', '/users/2']))
    await page.close()
  })

  it('changes the range with presets and the date picker, buckets the charts to fit', async () => {
    const { page, requested } = await open()
    await page.getByRole('button', { name: 'Last 24 h' }).click()
    await expect.poll(() => new URL(page.url()).searchParams.get('range')).toBe('24h')
    await page.locator('main[aria-busy="false"]').waitFor()
    const day = await apiAsPageAsked(requested)
    expect(day.bucket).toBe('hour')
    expect(Date.parse(day.to) - Date.parse(day.from)).toBe(86_400_000)
    expect(await cardNumber(page, 'hits')).toBe(day.hits)

    await page.getByRole('button', { name: 'Last hour' }).click()
    await expect.poll(() => new URL(page.url()).searchParams.get('range')).toBe('1h')
    await page.locator('main[aria-busy="false"]').waitFor()
    const hour = await apiAsPageAsked(requested)
    expect(hour.bucket).toBe('minute')
    expect(await cardNumber(page, 'hits')).toBe(hour.hits)

    const today = new Date().toISOString().slice(0, 10)
    await page.locator('#start').fill(today)
    await page.locator('#end').fill(today)
    await page.getByRole('button', { name: 'Apply' }).click()
    await expect.poll(() => new URL(page.url()).searchParams.get('start')).toBe(today)
    await page.locator('main[aria-busy="false"]').waitFor()
    const custom = await apiAsPageAsked(requested)
    expect(custom.start).toBe(today)
    expect(await cardNumber(page, 'hits')).toBe(custom.hits)
    await page.close()
  })

  it('sorts and searches a table, from the keyboard too', async () => {
    const { page } = await open()
    await page.locator('#routes').getByRole('button', { name: 'Path' }).focus()
    await page.keyboard.press('Enter')
    const paths = await page.locator('#routes tbody td:first-child').allTextContents()
    expect(paths).toEqual([...paths].sort((a, b) => a.localeCompare(b)))
    expect(await page.locator('#routes th').first().getAttribute('aria-sort')).toBe('ascending')
    await page.getByRole('searchbox', { name: 'Search routes' }).fill('users')
    // Found on the server over the whole range, the most requested first: which of the two that is
    // depends on the hour the traffic was generated up to.
    const found = page.locator('#routes tbody td:first-child')
    await expect.poll(async () => (await found.allTextContents()).sort()).toEqual(['/users/1', '/users/2'])
    const hits = (await page.locator('#routes tbody td:nth-child(2)').allTextContents()).map((text) => Number(text.replace(/\D/g, '')))
    expect(hits).toEqual([...hits].sort((a, b) => b - a))
    await page.close()
  })

  it('downloads the view’s rows as CSV', async () => {
    const { page } = await open('/statistics?path=%2Fabout')
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()])
    const csv = readFileSync((await download.path()) as string, 'utf8')
      .trim()
      .split('\n')
    const stats = (await (await fetch(`${app.url}/statistics/api/stats?path=/about`)).json()) as Stats
    expect(csv.length - 1).toBe(stats.hits)
    const pathColumn = csv[0]?.split(',').indexOf('path') as number
    expect(new Set(csv.slice(1).map((line) => line.split(',')[pathColumn]))).toEqual(new Set(['/about']))
    await page.close()
  })

  it('picks up new requests in live mode', async () => {
    // A range of whole days: its start does not slide while the test runs, as the last hour's does.
    const { page } = await open('/statistics?range=7d')
    await page.locator('#live').check()
    await expect.poll(() => new URL(page.url()).searchParams.get('live')).toBe('1')
    const before = await cardNumber(page, 'hits')
    for (let i = 0; i < 3; i++) await fetch(`${app.url}/`)
    await app.stats.flush()
    await expect.poll(() => cardNumber(page, 'hits'), { timeout: 15_000 }).toBe(before + 3)
    await page.close()
  })

  it('says so when there is nothing to show, and when the API fails', async () => {
    const { page } = await open('/statistics?start=2020-01-01&end=2020-01-02')
    expect(await page.locator('.empty').textContent()).toContain('No requests recorded from 2020-01-01 00:00:00 to 2020-01-03 00:00:00 (UTC)')
    await page.route('**/api/stats?*', (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"the database is unreachable"}' }),
    )
    await page.getByRole('button', { name: '30 days' }).click()
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('the database is unreachable')
    await page.close()
  })

  it('warns when recording fails or dropped requests, from the health API', async () => {
    const { page } = await open()
    expect(await page.locator('.warning').isHidden()).toBe(true)
    expect(await (await fetch(`${app.url}/statistics/api/health`)).json()).toMatchObject({ state: 'ok', dropped: 0 })
    // While writes fail the health API answers 503 (for probes); the page reads it all the same.
    await page.route('**/api/health*', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({
          state: 'failing',
          buffered: 10000,
          written: 5,
          dropped: 1234,
          failedWrites: 9,
          lastError: 'SQLITE_FULL: database or disk is full',
        }),
      }),
    )
    await page.getByRole('button', { name: '30 days' }).click()
    await page.locator('.warning').waitFor()
    const text = await page.locator('.warning').textContent()
    expect(text).toContain('cannot write to its database right now')
    expect(text).toContain('1,234 requests were not recorded')
    expect(text).toContain('SQLITE_FULL')
    await page.close()
  })

  // Checked on every run; the README's pictures are written only by `npm run screenshots`.
  it('renders in light, dark and at phone width without overflow, and writes the screenshots when asked', async () => {
    if (WRITE_SCREENSHOTS) mkdirSync(SCREENSHOTS, { recursive: true })
    for (const [name, options] of [
      ['light', { colorScheme: 'light', viewport: { width: 1280, height: 900 } }],
      ['dark', { colorScheme: 'dark', viewport: { width: 1280, height: 900 } }],
      ['phone', { colorScheme: 'light', viewport: { width: 390, height: 844 }, isMobile: true }],
    ] as const) {
      const { page, problems } = await open('/statistics', options)
      // Nothing wider than the screen but the tables' own scrolling boxes.
      const overflow = await page.evaluate(() => {
        const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement
        return root.scrollWidth - root.clientWidth
      })
      expect({ name, overflow }).toEqual({ name, overflow: 0 })
      if (WRITE_SCREENSHOTS) await page.screenshot({ path: `${SCREENSHOTS}${name}.png` })
      expect(problems).toEqual([])
      await page.close()
    }
  })
})
