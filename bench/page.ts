// The dashboard page's weight and speed: the JS and CSS it loads (raw and gzip), and the time from
// navigation to the first full render (every panel filled) in headless Chromium, on a SQLite file
// of N generated records over 30 days. The baseline is the API calls the page makes, timed alone in
// the same run, all at once as the page makes them: the ratio shows what the page adds on top of the
// database's work. Then a range change, watched frame by frame for an empty panel.
// Usage: npm run bench:page [-- --rows 1000000 --runs 3]
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import express from 'express'
import { chromium } from 'playwright-core'
import { SqliteStore } from 'statgraph'
import { statgraph } from 'statgraph/express'
import { pastRecords, seededRandom } from '../src/cli/demo/traffic.js'
import { median } from './median.js'

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' } } })
const rows = Number(values.rows)
const runs = Number(values.runs)
// The filled file is kept for the day (its requests end now): a rerun skips the fill.
const dataDir = new URL('./.data/', import.meta.url).pathname
const file = join(dataDir, `page-${rows}-${new Date().toISOString().slice(0, 10)}.db`)

/**
 * Run in the page: checks every frame until `__stopWatch()` that the page shows either its loading
 * note or a full view — eight cards, both charts, routes listed — and counts the frames that do not.
 */
const WATCH_PANELS = `(() => {
  let frames = 0, empty = 0, on = true
  const full = () => {
    const main = document.querySelector('main')
    if (main === null) return false
    if (main.querySelector('.loading') !== null) return true
    return main.querySelectorAll('.card-value').length === 8 && main.querySelectorAll('.uplot canvas').length === 2 && main.querySelectorAll('#routes tbody tr').length > 0
  }
  const check = () => { if (!on) return; frames++; if (!full()) empty++; requestAnimationFrame(check) }
  requestAnimationFrame(check)
  window.__stopWatch = () => { on = false; return { frames, empty } }
})()`

/** Where the first render's time went, in ms since navigation, as the page's performance entries tell. */
interface Phase {
  loaded: number
  apiStart: number
  apiEnd: number
  /** The page's marks: every answer in, the view shown. */
  answered: number
  shown: number
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9

if (!existsSync(file)) {
  mkdirSync(dataDir, { recursive: true })
  const fill = process.hrtime.bigint()
  const store = new SqliteStore({ database: `${file}.part` })
  const random = seededRandom(1)
  const now = Date.now()
  for (let done = 0; done < rows; done += 50_000) {
    const chunk = pastRecords(Math.min(50_000, rows - done), now - 30 * 86_400_000, now - 60_000, random)
    for (let i = 0; i < chunk.length; i += 5000) await store.insertBatch(chunk.slice(i, i + 5000))
  }
  await store.close()
  renameSync(`${file}.part`, file)
  for (const suffix of ['-wal', '-shm']) rmSync(`${file}.part${suffix}`, { force: true })
  console.log(`page: ${rows} records over 30 days written in ${seconds(fill).toFixed(1)} s`)
}

const app = express()
const stats = statgraph(app, { database: file })
const server = app.listen(0, '127.0.0.1')
await new Promise((resolve) => server.once('listening', resolve))
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/statistics`

for (const asset of ['app.js', 'app.css']) {
  const body = Buffer.from(await (await fetch(`${base}/assets/${asset}`)).arrayBuffer())
  console.log(`${asset.padEnd(8)} ${(body.length / 1024).toFixed(1)} KiB, gzip ${(gzipSync(body).length / 1024).toFixed(1)} KiB`)
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
})
const renders: number[] = []
const apis: number[] = []
let frames = 0
let emptyFrames = 0
const phases: Phase[] = []
for (let run = 0; run < runs; run++) {
  const page = await browser.newPage()
  const asked: string[] = []
  page.on('request', (request) => {
    if (request.url().includes('/api/')) asked.push(request.url())
  })
  const start = process.hrtime.bigint()
  await page.goto(base)
  await page.locator('main[aria-busy="false"]').waitFor({ timeout: 600_000 })
  renders.push(seconds(start))
  const firstCalls = [...asked]
  phases.push(
    (await page.evaluate(`(() => {
      const api = performance.getEntriesByType('resource').filter((entry) => entry.name.includes('/api/'))
      const nav = performance.getEntriesByType('navigation')[0]
      const mark = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN
      return { loaded: nav.domContentLoadedEventEnd, apiStart: Math.min(...api.map((e) => e.startTime)), apiEnd: Math.max(...api.map((e) => e.responseEnd)), answered: mark('statgraph:answered'), shown: mark('statgraph:shown') }
    })()`)) as Phase,
  )
  // A range change, watched every frame: the page must never show an empty panel meanwhile.
  await page.evaluate(WATCH_PANELS)
  await page.getByRole('button', { name: '30 days' }).click()
  await page.locator('main[aria-busy="false"]:not(.stale)').waitFor({ timeout: 600_000 })
  const watched = (await page.evaluate('window.__stopWatch()')) as { frames: number; empty: number }
  frames += watched.frames
  emptyFrames += watched.empty
  await page.close()
  // The same API calls without the page, at once as the page makes them.
  const apiStart = process.hrtime.bigint()
  await Promise.all(firstCalls.map(async (url) => (await fetch(url)).arrayBuffer()))
  apis.push(seconds(apiStart))
}
// The floor: the page shell alone — HTML, CSS, the script loaded and run — with every API call
// refused at once, so no data is awaited: no render can be faster than this on this machine.
const shells: number[] = []
for (let run = 0; run < runs; run++) {
  const page = await browser.newPage()
  await page.route('**/api/**', (route) => route.abort())
  const start = process.hrtime.bigint()
  await page.goto(base)
  await page.locator('main[aria-busy="false"] [role="alert"] button').waitFor({ timeout: 60_000 })
  shells.push(seconds(start))
  await page.close()
}
await browser.close()
const shell = median(shells)
const render = median(renders)
const api = median(apis)
console.log(`first full render (default 7-day view): ${(render * 1000).toFixed(0)} ms median of ${runs}`)
console.log(`its API calls alone, in parallel:       ${(api * 1000).toFixed(0)} ms`)
console.log(`render / API calls:                     ${(render / api).toFixed(2)}`)
console.log(`floor, the page shell with no data:     ${(shell * 1000).toFixed(0)} ms = ${(shell / api).toFixed(2)} × the API calls`)
console.log(`range changes: ${frames} frames watched, ${emptyFrames} with an empty panel`)
for (const phase of phases) {
  console.log(
    `  in the page: script run by ${phase.loaded.toFixed(0)} ms, API calls ${phase.apiStart.toFixed(0)}–${phase.apiEnd.toFixed(0)} ms, answers in at ${phase.answered.toFixed(0)}, view shown at ${phase.shown.toFixed(0)} ms`,
  )
}
server.close()
await stats.close()
