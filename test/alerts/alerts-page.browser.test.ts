import { mkdirSync } from 'node:fs'
import express from 'express'
import { afterAll, describe, expect, it } from 'vitest'
import { hasChromium, launchChromium } from '../helpers/chromium.js'
import { startApp } from '../helpers/express-app.js'
import { record } from '../helpers/records.js'
import { tempDir } from '../helpers/temp-dir.js'
import { poll } from '../helpers/wait-for.js'
import { webhookReceiver } from '../helpers/webhook-receiver.js'
import type { AlertsAnswer } from '../../src/dashboard/alerts-answer.js'

const chromiumHere = hasChromium('the alerts page test')
const SCREENSHOT = new URL('../../docs/screenshots/alerts.png', import.meta.url).pathname
const dir = tempDir()
// Runs, and sets a flag or opens a dialog, if the page ever treats it as markup.
const HOSTILE = 'Error: <img src=x onerror="window.__pwned=1"> & </li><script>alert(2)</script>'

describe.skipIf(!chromiumHere)('alerts on the dashboard page', () => {
  const cleanup: (() => Promise<void>)[] = []
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step()
  })

  it('shows what fires and what fired, strangers’ text as text, and writes the screenshot when asked', async () => {
    const receiver = await webhookReceiver()
    cleanup.push(() => receiver.close())
    const app = await startApp(express, dir, {
      alerts: {
        rules: [
          { type: 'errorRate', above: 5, window: '10m', minHits: 20, name: 'Error rate above 5 %' },
          { type: 'p95', above: 250, route: '/search', window: '3s', minHits: 5, name: 'Slow search' },
          { type: 'newException', name: 'New exception' },
        ],
        webhooks: [{ url: receiver.url }],
        every: '1s',
      },
    })
    cleanup.push(() => app.close())
    const now = Date.now()
    await app.stats.store.insertBatch([
      ...Array.from({ length: 200 }, (_, i) => record({ date: now - 400_000 + i * 1000, path: `/items/${i}`, route: '/items/:id' })),
      ...Array.from({ length: 18 }, (_, i) =>
        record({ date: now - 200_000 + i * 1000, path: '/checkout', route: '/checkout', status_code: 500, exception: HOSTILE }),
      ),
      ...Array.from({ length: 8 }, (_, i) => record({ date: now - 1000 + i, path: '/search', route: '/search', response_time: 900 })),
    ])
    const api = async () => (await (await fetch(`${app.url}/statistics/api/alerts`)).json()) as AlertsAnswer
    // The slow search fires, then resolves once its three-second window has passed.
    await poll(
      api,
      (answer) => answer.firing.length === 2 && answer.fired.some((line) => line.rule === 'Slow search' && line.resolvedAt !== null),
      'the alerts',
    )

    const browser = await launchChromium()
    cleanup.push(() => browser.close())
    const page = await browser.newPage({ locale: 'en-US', viewport: { width: 1280, height: 820 } })
    const problems: string[] = []
    page.on('pageerror', (error) => problems.push(error.message))
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`)
      void dialog.dismiss()
    })
    await page.goto(`${app.url}/statistics`)
    const firing = page.locator('.alerts-firing')
    await firing.locator('h2', { hasText: '2 alerts firing' }).waitFor()
    const items = await firing.locator('li').allTextContents()
    expect(items).toHaveLength(2)
    expect(items.find((text) => text.startsWith('Error rate above 5 %'))).toMatch(
      /^Error rate above 5 % — error rate 8 % over 10 min \(18 of 226 requests\), since /,
    )
    expect(items.find((text) => text.startsWith('New exception'))).toContain(`new exception "${HOSTILE}" ×18 at /checkout`)
    const history = await page.locator('#alerts tbody tr').evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent)))
    expect(history.map((cells) => [cells[0], cells[3] === 'firing'])).toEqual(
      expect.arrayContaining([
        ['Error rate above 5 %', true],
        ['New exception', true],
        ['Slow search', false],
      ]),
    )
    expect(history).toHaveLength(3)
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined()
    expect(await page.locator('.alerts-firing img, .alerts-firing script, #alerts img').count()).toBe(0)
    expect(problems).toEqual([])
    if (process.env.STATGRAPH_SCREENSHOTS === '1') {
      mkdirSync(new URL('.', `file://${SCREENSHOT}`).pathname, { recursive: true })
      await page.locator('section.alerts').screenshot({ path: SCREENSHOT })
    }
  }, 60_000)
})
