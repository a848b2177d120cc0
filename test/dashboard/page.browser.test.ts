import { existsSync } from 'node:fs'
import express from 'express'
import { type Browser, chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApp, type RunningApp } from '../helpers/express-app.js'
import { generateRecords, record } from '../helpers/records.js'
import { tempDir } from '../helpers/temp-dir.js'

const CHROMIUM = '/usr/bin/chromium'
const hasChromium = existsSync(CHROMIUM)
if (!hasChromium && process.env.CI) {
  throw new Error(`browser tests need Debian's chromium at ${CHROMIUM} (apt-get install chromium); under CI=true that is a failure, not a skip`)
}

const dir = tempDir()
const HOSTILE_PATH = '/<img src=x onerror="document.title=\'pwned\'">'

describe.skipIf(!hasChromium)('the dashboard page in headless Chromium', () => {
  let browser: Browser
  let app: RunningApp

  beforeAll(async () => {
    app = await startApp(express, dir, {}, (app) => {
      app.get('/', (_req, res) => {
        res.send('Hello World!')
      })
    })
    const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`)
    await app.stats.store.insertBatch([
      ...generateRecords(500, today - 4 * 86_400_000, 5),
      record({ date: today + 1000, path: HOSTILE_PATH, user_agent: '<script>alert(1)</script>' }),
    ])
    await fetch(`${app.url}/`)
    await app.stats.flush()
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
  })

  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  async function api(path: string): Promise<any> {
    return (await fetch(`${app.url}/statistics/api/${path}`)).json()
  }

  it('shows the numbers the API gives, draws the chart, and renders strangers’ text as text', async () => {
    const page = await browser.newPage({ locale: 'en-US' })
    const problems: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text())
    })
    page.on('pageerror', (error) => problems.push(error.message))
    await page.goto(`${app.url}/statistics`)
    await page.locator('#routes').waitFor()

    const stats = await api('stats')
    const card = async (name: string) => Number((await page.locator(`.card-value[title="${name}"]`).textContent())?.replaceAll(',', ''))
    expect(await card('hits')).toBe(stats.hits)
    expect(await card('uniqueHits')).toBe(stats.uniqueHits)
    expect(await card('errors')).toBe(stats.errors)
    expect(stats.hits).toBe(502)

    expect(await page.locator('.uplot canvas').count()).toBeGreaterThan(0)
    const rows = page.locator('#routes tbody tr')
    expect(await rows.count()).toBe(stats.paths.length)
    const firstRow = await rows.first().locator('td').allTextContents()
    expect(firstRow[0]).toBe(stats.paths[0].key)
    expect(Number(firstRow[1]?.replaceAll(',', ''))).toBe(stats.paths[0].count)

    // The hostile path is shown literally, and no element was made from it.
    await expect.poll(() => page.locator('#routes td.path', { hasText: HOSTILE_PATH }).count()).toBe(1)
    expect(await page.locator('#routes img').count()).toBe(0)
    expect(await page.title()).toBe('Statistics')
    expect(problems).toEqual([])
    await page.close()
  })

  it('opens a path’s own view with its chart and latest requests, and the URL reopens it', async () => {
    const page = await browser.newPage({ locale: 'en-US' })
    await page.goto(`${app.url}/statistics`)
    await page.locator('#routes a', { hasText: /^\/users\/1$/ }).click()
    await page.locator('#requests').waitFor()
    expect(new URL(page.url()).searchParams.get('path')).toBe('/users/1')

    const stats = await api('stats?path=/users/1')
    const hits = Number((await page.locator('.card-value[title="hits"]').textContent())?.replaceAll(',', ''))
    expect(hits).toBe(stats.hits)
    const latest = await api(`requests?path=/users/1&limit=50`)
    expect(await page.locator('#requests tbody tr').count()).toBe(latest.rows.length)

    const reopened = await browser.newPage({ locale: 'en-US' })
    await reopened.goto(page.url())
    await reopened.locator('#requests').waitFor()
    expect(await reopened.locator('h2.path-title').textContent()).toBe('/users/1')

    await page.goBack()
    await page.locator('#routes').waitFor()
    expect(new URL(page.url()).searchParams.get('path')).toBeNull()
    await page.close()
    await reopened.close()
  })

  it('groups the routes table by route pattern and drills into one', async () => {
    const page = await browser.newPage({ locale: 'en-US' })
    await page.goto(`${app.url}/statistics`)
    await page.locator('#routes').waitFor()
    await page.getByRole('button', { name: 'Route pattern' }).click()
    await expect.poll(() => new URL(page.url()).searchParams.get('group')).toBe('route')
    const stats = await api('stats')
    await expect.poll(() => page.locator('#routes tbody tr').count()).toBe(stats.routes.length)
    await page.locator('#routes a', { hasText: '/users/:id' }).click()
    await page.locator('#requests').waitFor()
    expect(new URL(page.url()).searchParams.get('route')).toBe('/users/:id')
    const filtered = await api(`stats?route=${encodeURIComponent('/users/:id')}`)
    const hits = Number((await page.locator('.card-value[title="hits"]').textContent())?.replaceAll(',', ''))
    expect(hits).toBe(filtered.hits)
    const paths = new Set(await page.locator('#requests td.path').allTextContents())
    expect([...paths].every((path) => /^\/users\/\d+$/.test(path))).toBe(true)
    await page.close()
  })

  it('changes the range from the date picker', async () => {
    const page = await browser.newPage({ locale: 'en-US' })
    await page.goto(`${app.url}/statistics`)
    await page.locator('#routes').waitFor()
    const today = new Date().toISOString().slice(0, 10)
    await page.locator('#start').fill(today)
    await page.locator('#end').fill(today)
    await page.getByRole('button', { name: 'Apply' }).click()
    await expect.poll(() => new URL(page.url()).searchParams.get('start')).toBe(today)
    const stats = await api(`stats?start=${today}&end=${today}`)
    await expect
      .poll(async () => Number((await page.locator('.card-value[title="hits"]').textContent())?.replaceAll(',', '')))
      .toBe(stats.hits)
    await page.close()
  })
})
