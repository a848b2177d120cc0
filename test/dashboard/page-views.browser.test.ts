import express from 'express'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Stats } from '../../src/stats/answer/stats.js'
import { hasChromium, launchChromium } from '../helpers/chromium.js'
import { startApp, type RunningApp } from '../helpers/express-app.js'
import { generateRecords, record } from '../helpers/records.js'
import { tempDir } from '../helpers/temp-dir.js'

/** The traffic and latency charts: the instances panel's runtime charts, drawn when their samples come, are `.chart`s too. */
const TIME_CHARTS = '.chart:not(.runtime-chart)'

// How the page behaves while it reads, at every width, and what its charts and controls show: the
// corners a first-time reader meets. The numbers themselves are checked in page.browser.test.ts.

const chromiumHere = hasChromium('the dashboard view tests')
const dir = tempDir()
const DAY = 86_400_000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** What the tests use of a canvas, in the page (the tests' TypeScript has no DOM types). */
interface Canvas {
  width: number
  height: number
  getContext(kind: '2d'): {
    font: string
    measureText(text: string): { width: number }
    getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray }
  }
}

describe.skipIf(!chromiumHere)('the dashboard page while it reads, and its corners', () => {
  let browser: Browser
  let app: RunningApp
  const now = Date.now()
  const today = Date.parse(`${new Date(now).toISOString().slice(0, 10)}T00:00:00Z`)
  /** A day long ago with more paths than the routes table lists, one of them rare. */
  const crowdedDay = '2021-03-01'

  beforeAll(async () => {
    app = await startApp(express, dir)
    const crowded = Date.parse(`${crowdedDay}T12:00:00Z`)
    await app.stats.store.insertBatch([
      ...generateRecords(600, today - 13 * DAY, 13).filter((r) => r.date < now - 3_600_000),
      // The last hour: every request in one minute, half an hour ago.
      ...Array.from({ length: 20 }, (_, i) => record({ date: now - 1_800_000 + i, response_time: 40 + i })),
      ...Array.from({ length: 5 }, (_, i) => record({ date: now - 7_200_000 + i, user_agent: 'Googlebot/2.1', browser: 'googlebot', bot: true })),
      ...Array.from({ length: 120 }, (_, i) => [record({ date: crowded, path: `/filler/${i}` }), record({ date: crowded, path: `/filler/${i}` })]).flat(),
      record({ date: crowded, path: '/rare/needle' }),
    ])
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  async function open(path = '/statistics', viewport = { width: 1440, height: 900 }) {
    const page = await browser.newPage({ viewport, locale: 'en-US' })
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(error.message))
    await page.goto(`${app.url}${path}`)
    await page.locator('main[aria-busy="false"]').waitFor()
    return { page, problems }
  }

  /** Holds every API answer back `ms`, to watch the page while it waits. */
  async function slowApi(page: Page, ms: number) {
    await page.route('**/statistics/api/**', async (route) => {
      await sleep(ms)
      await route.continue()
    })
  }

  it('asks for everything at once, keeps the last view dimmed under a progress bar meanwhile, and never shows an empty panel', async () => {
    const { page } = await open('/statistics?range=7d')
    await slowApi(page, 400)
    const asked: string[] = []
    let firstAnswer = -1
    page.on('request', (request) => void (request.url().includes('/api/') && asked.push(request.url())))
    page.on('requestfinished', (request) => void (request.url().includes('/api/') && firstAnswer < 0 && (firstAnswer = asked.length)))
    await page.getByRole('button', { name: '30 days' }).click()
    // While the new view is read: the old one stays, every panel filled, dimmed and busy.
    await page.locator('body.loading main.stale[aria-busy="true"]').waitFor()
    expect(await page.locator('.progress').isVisible()).toBe(true)
    for (let sample = 0; sample < 3; sample++) {
      expect(await page.locator('.card-value').count()).toBe(8)
      expect(await page.locator('#routes tbody tr').count()).toBeGreaterThan(0)
      expect(await page.locator(`${TIME_CHARTS} .uplot canvas`).count()).toBe(2)
      await sleep(80)
    }
    await page.locator('main[aria-busy="false"]:not(.stale)').waitFor()
    expect(await page.locator('body.loading').count()).toBe(0)
    // stats, the previous period's stats, health, the log's page, releases, instances and alerts: all asked before any answered.
    expect(asked.map((url) => new URL(url).pathname.split('/').pop()).sort()).toEqual([
      'alerts',
      'health',
      'instances',
      'releases',
      'requests',
      'stats',
      'stats',
    ])
    expect(firstAnswer).toBe(7)
    await page.close()
  })

  it('shows in From / To the days of the preset in use', async () => {
    const { page } = await open('/statistics?range=30d')
    const day = (offset: number) => new Date(today + offset * DAY).toISOString().slice(0, 10)
    expect([await page.locator('#start').inputValue(), await page.locator('#end').inputValue()]).toEqual([day(-29), day(0)])
    await page.getByRole('button', { name: '90 days' }).click()
    await page.locator('main[aria-busy="false"]:not(.stale)').waitFor()
    expect(await page.locator('#start').inputValue()).toBe(day(-89))
    await page.close()
  })

  it('refuses a reversed range in the form, before asking the server', async () => {
    const { page } = await open('/statistics?range=7d')
    const asked: string[] = []
    page.on('request', (request) => void (request.url().includes('/api/') && asked.push(request.url())))
    await page.locator('#start').fill('2026-02-10')
    await page.locator('#end').fill('2026-02-01')
    await page.getByRole('button', { name: 'Apply' }).click()
    expect(await page.locator('.form-error').textContent()).toContain('“From” is after “to”')
    expect(new URL(page.url()).searchParams.get('range')).toBe('7d')
    expect(asked).toEqual([])
    await page.close()
  })

  it('leaves Unique and p95 out of the literal paths from rollups, with a note, and shows them by route pattern', async () => {
    const { page } = await open('/statistics?range=7d')
    const headers = () => page.locator('#routes th').allTextContents()
    expect(await headers()).toEqual(['Path', 'Hits', 'Errors', 'Avg', 'Last requested (UTC)'])
    expect(await page.locator('.routes .note').textContent()).toContain('kept per route pattern')
    await page.getByRole('button', { name: 'Route pattern' }).click()
    await page.locator('main[aria-busy="false"]:not(.stale)').waitFor()
    expect(await headers()).toEqual(['Route pattern', 'Hits', 'Unique', 'Errors', 'Avg', 'p95', 'Last requested (UTC)'])
    expect(await page.locator('.routes .note').isHidden()).toBe(true)
    // The last hour is answered from raw rows: exact per path.
    await page.getByRole('button', { name: 'Path' }).click()
    await page.getByRole('button', { name: 'Last hour' }).click()
    await page.locator('main[aria-busy="false"]:not(.stale)').waitFor()
    expect(await headers()).toContain('Unique')
    await page.close()
  })

  it('finds a value outside the loaded rows by searching the whole range on the server', async () => {
    const { page } = await open(`/statistics?start=${crowdedDay}&end=${crowdedDay}`)
    expect(await page.locator('#routes tbody tr', { hasText: '/rare/needle' }).count()).toBe(0)
    await page.getByRole('searchbox', { name: 'Search routes' }).fill('NEEDLE')
    await expect.poll(() => page.locator('#routes tbody td:first-child').allTextContents()).toEqual(['/rare/needle'])
    expect(
      await page
        .locator('section', { has: page.locator('#routes') })
        .locator('.table-status')
        .first()
        .textContent(),
    ).toContain('1 found in the whole range')
    // The match is a filter link like any other.
    await page.locator('#routes a', { hasText: '/rare/needle' }).click()
    await page.locator('.chip', { hasText: 'Path: /rare/needle' }).waitFor()
    await page.close()
  })

  it('draws a lone point, labels its axes with units, holds the range’s figures in the legends, and keeps labels apart', async () => {
    const { page } = await open('/statistics?range=1h')
    const stats = (await (await fetch(`${app.url}/statistics/api/stats?from=${new Date(now - 3_600_000).toISOString()}`)).json()) as Stats
    // Every request of the hour fell in one minute: the p50 line is a single dot, still drawn.
    const drawn = await page
      .locator(TIME_CHARTS)
      .nth(1)
      .evaluate((chart) => {
        const canvas = chart.querySelector('canvas') as unknown as Canvas
        const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height)
        let p50 = 0
        for (let i = 0; i < data.length; i += 4) if (data[i] === 8 && data[i + 1] === 145 && data[i + 2] === 178) p50++
        return p50
      })
    expect(drawn).toBeGreaterThan(5)
    const legend = (index: number) => page.locator(TIME_CHARTS).nth(index).locator('.u-legend .u-value').allTextContents()
    expect((await legend(0))[1]).toBe(stats.hits.toLocaleString('en-US'))
    expect((await legend(1)).slice(1)).not.toContain('–')
    const axes = await page.locator(TIME_CHARTS).evaluateAll((charts) =>
      charts.map((chart) => {
        const plot = (chart as unknown as { uplot: { axes: { label?: string; _values?: string[] }[] } }).uplot
        return { label: plot.axes[1]?.label, ticks: plot.axes[1]?._values ?? [] }
      }),
    )
    expect(axes[0]?.label).toBe('Requests per minute')
    expect(axes[1]?.label).toBe('Response time')
    expect(axes[1]?.ticks.every((tick: string) => / (ms|s)$/.test(tick))).toBe(true)

    // A day of hours at 1440 px: no two time labels overlap.
    await page.getByRole('button', { name: 'Last 24 h' }).click()
    await page.locator('main[aria-busy="false"]:not(.stale)').waitFor()
    const gaps = await page
      .locator(TIME_CHARTS)
      .first()
      .evaluate((chart) => {
        const plot = (
          chart as unknown as { uplot: { axes: { _splits: number[]; _values: string[]; font: [string] }[]; valToPos(v: number, scale: string): number } }
        ).uplot
        const axis = plot.axes[0] as { _splits: number[]; _values: string[]; font: [string] }
        const context = (chart.ownerDocument.createElement('canvas') as unknown as Canvas).getContext('2d')
        context.font = axis.font[0]
        const at = axis._splits.map((split, i) => ({ x: plot.valToPos(split, 'x'), width: context.measureText(axis._values[i] ?? '').width }))
        return at.slice(1).map((label, i) => label.x - (at[i]?.x ?? 0) - (label.width + (at[i]?.width ?? 0)) / 2)
      })
    expect(gaps.length).toBeGreaterThan(2)
    expect(Math.min(...gaps)).toBeGreaterThan(4)
    await page.close()
  })

  it('moves both charts’ cursors together, zooms both, and shows how to undo it', async () => {
    const { page } = await open('/statistics?range=7d')
    expect(await page.getByText('Drag across a chart to zoom in.').isVisible()).toBe(true)
    const over = page.locator(TIME_CHARTS).first().locator('.u-over')
    const box = (await over.boundingBox()) as { x: number; y: number; width: number; height: number }
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2)
    const legends = () => page.locator(`${TIME_CHARTS} .u-legend .u-series:first-child .u-value`).allTextContents()
    const [first, second] = await legends()
    expect(first).not.toBe('whole range')
    expect(second).toBe(first)
    await page.mouse.down()
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 })
    await page.mouse.up()
    const scales = () =>
      page
        .locator(TIME_CHARTS)
        .evaluateAll((charts) => charts.map((chart) => (chart as unknown as { uplot: { scales: { x: { min: number; max: number } } } }).uplot.scales.x))
    const zoomed = await scales()
    expect(zoomed[1]).toEqual(zoomed[0])
    const reset = page.getByRole('button', { name: 'Reset zoom' })
    expect(await reset.isVisible()).toBe(true)
    await reset.click()
    const whole = await scales()
    expect((whole[0]?.max ?? 0) - (whole[0]?.min ?? 0)).toBeGreaterThan((zoomed[0]?.max ?? 0) - (zoomed[0]?.min ?? 0))
    expect(await reset.isVisible()).toBe(false)
    await page.close()
  })

  it('compares the error rate in percentage points, and says one thing when there is nothing to compare', async () => {
    const { page } = await open('/statistics?range=7d')
    expect(await page.locator('.card', { hasText: 'Error rate' }).locator('.card-change').textContent()).toMatch(
      /(pts vs previous period|no change vs previous period)$/,
    )
    const old = await open('/statistics?start=2021-02-27&end=2021-03-01')
    const changes = new Set(await old.page.locator('.card-change').allTextContents())
    expect(changes).toEqual(new Set(['nothing to compare with']))
    await old.page.close()
    await page.close()
  })

  it('says the server could not be reached in words, and retries; a refused query offers the way back instead', async () => {
    const { page } = await open('/statistics?range=7d')
    await page.route('**/statistics/api/**', (route) => route.abort('internetdisconnected'))
    await page.getByRole('button', { name: '30 days' }).click()
    const alert = page.locator('main [role="alert"]')
    await expect.poll(() => alert.textContent()).toContain('the server could not be reached')
    expect(await alert.textContent()).not.toContain('Failed to fetch')
    await page.unroute('**/statistics/api/**')
    await page.getByRole('button', { name: 'Try again' }).click()
    await page.locator('main[aria-busy="false"]:not(.stale)').waitFor()
    expect(await page.locator('main [role="alert"]').textContent()).toBe('')
    const refused = await open('/statistics?start=2026-13-01&end=2026-13-02')
    await expect.poll(() => refused.page.locator('main [role="alert"]').textContent()).toContain('must be a date written YYYY-MM-DD')
    await refused.page.getByRole('button', { name: 'Back to the default view' }).click()
    await refused.page.locator('main[aria-busy="false"]:not(.stale) .card-value').first().waitFor()
    await refused.page.close()
    await page.close()
  })

  it('shows people, or bots only, as the API counts them', async () => {
    const { page } = await open('/statistics?range=7d')
    await page.locator('#audience').selectOption('bots')
    await page.locator('main[aria-busy="false"]:not(.stale)').waitFor()
    expect(new URL(page.url()).searchParams.get('audience')).toBe('bots')
    const days = `start=${new Date(today - 6 * DAY).toISOString().slice(0, 10)}&end=${new Date(today).toISOString().slice(0, 10)}`
    const bots = (await (await fetch(`${app.url}/statistics/api/stats?${days}&bot=true`)).json()) as Stats
    const all = (await (await fetch(`${app.url}/statistics/api/stats?${days}`)).json()) as Stats
    expect(bots.hits).toBeGreaterThanOrEqual(5)
    expect(bots.hits).toBeLessThan(all.hits)
    expect(await page.locator('.card-value[title="hits"]').textContent()).toBe(bots.hits.toLocaleString('en-US'))
    expect(await page.locator('#browsers tbody td:first-child').allTextContents()).toEqual(bots.browsers.map((entry) => entry.key ?? '(none)'))
    await page.close()
  })

  it('says when a range was counted over whole hours because its edge hour lost its raw rows', async () => {
    const pruned = await startApp(express, dir)
    try {
      // Requests in the hour the "Last 24 hours" view starts in, and in the hour after, whose raw rows
      // are then pruned: the view's first hour is counted whole, from its rollup.
      const edgeHour = Math.floor((Date.now() - 86_400_000) / 3_600_000) * 3_600_000
      await pruned.stats.store.insertBatch([
        record({ date: edgeHour + 60_000 }),
        record({ date: edgeHour + 3_540_000 }),
        record({ date: edgeHour + 3_660_000 }),
      ])
      await pruned.stats.store.prune(edgeHour + 7_200_000)
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US' })
      await page.goto(`${pruned.url}/statistics?range=24h`)
      await page.locator('main[aria-busy="false"]').waitFor()
      const note = page.locator('p.widened')
      await note.waitFor()
      expect(await note.textContent()).toMatch(/^Counted over whole hours, .+ to .+ \(UTC\): the raw rows of the range's first or last hour were pruned/)
      expect(await page.locator('.card-value[title="hits"]').textContent()).toBe('3')
      await page.close()
    } finally {
      await pruned.close()
    }
  })

  it('shows the longest default span, 3660 days, in weekly points', async () => {
    const decade = await startApp(express, dir, { defaultDateSpan: 3660 })
    try {
      await decade.stats.store.insertBatch([
        record({ date: Date.now() - 3000 * DAY }),
        record({ date: Date.now() - 20 * DAY }),
        record({ date: Date.now() - DAY }),
      ])
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US' })
      const problems: string[] = []
      page.on('pageerror', (error) => problems.push(error.message))
      await page.goto(`${decade.url}/statistics`)
      await page.locator('main[aria-busy="false"]').waitFor()
      expect(await page.locator('.card-value[title="hits"]').textContent()).toBe('3')
      expect(await page.locator('[aria-label^="Traffic, per week (UTC)"]').count()).toBe(1)
      expect(problems).toEqual([])
      await page.close()
    } finally {
      await decade.close()
    }
  })

  it('fits a phone: a short header, tables that do not scroll sideways; and the request log fits 1440 px', async () => {
    const { page, problems } = await open('/statistics?range=7d', { width: 390, height: 844 })
    const header = (await page.locator('header').boundingBox()) as { height: number }
    expect(header.height).toBeLessThan(844 * 0.3)
    const overflowing = await page
      .locator('.scroll')
      .evaluateAll((scrolls) => scrolls.filter((scroll) => scroll.scrollWidth > scroll.clientWidth + 1).map((scroll) => scroll.querySelector('table')?.id))
    expect(overflowing).toEqual([])
    expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(390)
    // The range controls are one tap away.
    expect(await page.locator('#start').isVisible()).toBe(false)
    await page.getByRole('button', { name: 'More' }).click()
    expect(await page.locator('#start').isVisible()).toBe(true)
    const wide = await open('/statistics?range=7d')
    expect(await wide.page.locator('.log .scroll').evaluate((scroll) => scroll.scrollWidth <= scroll.clientWidth + 1)).toBe(true)
    expect(problems).toEqual([])
    await wide.page.close()
    await page.close()
  })
})
