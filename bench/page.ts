// The dashboard page's weight and speed: the JS and CSS it loads (raw and gzip), and the time from
// navigation to the first full render (every panel filled) in headless Chromium, on a SQLite file
// of N generated records over 30 days. The baseline is the API calls the page makes, timed alone in
// the same run: the ratio shows what the page adds on top of the database's work.
// Usage: npm run bench:page [-- --rows 1000000 --runs 3]
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import express from 'express'
import { chromium } from 'playwright-core'
import { SqliteStore } from 'statgraph'
import { statgraph } from 'statgraph/express'
import { pastRecords, seededRandom } from '../src/cli/demo/traffic.js'

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, runs: { type: 'string', default: '3' } } })
const rows = Number(values.rows)
const runs = Number(values.runs)
const dir = mkdtempSync(join(tmpdir(), 'statgraph-page-'))
const file = join(dir, 'page.db')

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number

try {
  const fill = process.hrtime.bigint()
  const store = new SqliteStore({ database: file })
  const random = seededRandom(1)
  const now = Date.now()
  for (let done = 0; done < rows; done += 50_000) {
    const chunk = pastRecords(Math.min(50_000, rows - done), now - 30 * 86_400_000, now - 60_000, random)
    for (let i = 0; i < chunk.length; i += 5000) await store.insertBatch(chunk.slice(i, i + 5000))
  }
  await store.close()
  console.log(`page: ${rows} records over 30 days written in ${seconds(fill).toFixed(1)} s`)

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
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const renders: number[] = []
  const apis: number[] = []
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
    await page.close()
    // The same API calls, one after another as the page makes them, without the page.
    const apiStart = process.hrtime.bigint()
    for (const url of asked) await (await fetch(url)).arrayBuffer()
    apis.push(seconds(apiStart))
  }
  await browser.close()
  const render = median(renders)
  const api = median(apis)
  console.log(`first full render (default 7-day view): ${(render * 1000).toFixed(0)} ms median of ${runs}`)
  console.log(`its API calls alone:                    ${(api * 1000).toFixed(0)} ms`)
  console.log(`render / API calls:                     ${(render / api).toFixed(2)}`)
  server.close()
  await stats.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
