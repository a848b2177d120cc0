import { afterAll, describe, expect, it } from 'vitest'
import type { InstancesAnswer } from '../../src/dashboard/instances-answer.js'
import type { ReleasesAnswer } from '../../src/dashboard/releases-answer.js'
import type { Stats } from '../../src/stats/answer/stats.js'
import { cliEngines } from '../helpers/cli-databases.js'
import { type InstanceProcess, startInstance } from '../helpers/instance-process.js'
import { runCli } from '../helpers/run-cli.js'
import { tempDir } from '../helpers/temp-dir.js'
import { hasChromium, launchChromium } from '../helpers/chromium.js'
import { poll } from '../helpers/wait-for.js'

// Three app instances in processes of their own, on one database; a deploy from 1.0.0 to 1.1.0
// halfway, the new version slower on one route. Every figure is checked against what the test sent.

const dir = tempDir()
const INSTANCES = ['app-1', 'app-2', 'app-3']
const ROUNDS = 90
const SLOWED_MS = '150'

interface Sent {
  byInstance: Map<string, number>
  byVersion: Map<string, number>
  errorsByInstance: Map<string, number>
}

const add = (counts: Map<string, number>, key: string, n = 1) => counts.set(key, (counts.get(key) ?? 0) + n)

/** Sends `ROUNDS` rounds of /hit, /work and, every 30th, /boom, spread over the instances, a few at a time. */
async function traffic(apps: InstanceProcess[], version: string, sent: Sent): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      while (next < ROUNDS) {
        const n = next++
        const i = n % apps.length
        const app = apps[i] as InstanceProcess
        const instance = INSTANCES[i] as string
        const paths = [`/hit/${n}`, `/work/${n}`, ...(n % 30 === 0 ? [`/boom/${n}`] : [])]
        for (const path of paths) {
          const response = await fetch(`${app.url}${path}`)
          await response.arrayBuffer()
          add(sent.byInstance, instance)
          add(sent.byVersion, version)
          if (response.status >= 500) add(sent.errorsByInstance, instance)
        }
      }
    }),
  )
}

const engines = cliEngines(dir).filter(({ engine }) => engine !== 'MariaDB')
const chromiumHere = hasChromium('the releases page tests')
const SCREENSHOT = new URL('../../docs/screenshots/releases.png', import.meta.url).pathname

/** The page of the last hour: the deploy marked on every chart, its text on hover, the slowed route named alone. */
async function showsReleasesInChromium(url: string, screenshot: boolean): Promise<void> {
  const browser = await launchChromium()
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    await page.goto(url)
    await page.locator('.release-worse li').first().waitFor()
    const charts = page.locator('section.chart')
    // Traffic, response time, and five runtime gauges.
    await expect.poll(() => charts.count()).toBe(7)
    for (let i = 0; i < (await charts.count()); i++) {
      // Drawn with the chart's next frame; markers of one point are one, their texts in a list.
      const texts = async () =>
        (
          await charts
            .nth(i)
            .locator('.marker')
            .evaluateAll((markers) => markers.map((marker) => marker.getAttribute('title') ?? ''))
        )
          .flatMap((title) => title.split('\n'))
          .map((line) => line.replace(/ \(.*\)$/, ''))
          .sort()
      await expect.poll(texts).toEqual(['Deploy 1.1.0', 'Release 1.0.0 first seen', 'Release 1.1.0 first seen'])
    }
    const marker = charts.first().locator('.marker-note')
    await marker.hover()
    await expect.poll(() => marker.locator('.marker-label').isVisible()).toBe(true)
    expect(await marker.locator('.marker-label').textContent()).toMatch(/Deploy 1\.1\.0 \(/)
    expect(await page.locator('.release-worse li .route').allTextContents()).toEqual(['/work/:n'])
    expect(await page.locator('.release-comparison h2').textContent()).toBe('Release 1.1.0 against 1.0.0')
    expect(await page.locator('#instances tbody tr').count()).toBe(3)
    if (screenshot && process.env.STATGRAPH_SCREENSHOTS === '1') {
      // The charts with the deploy's note open, down to the instances' gauges.
      await page.locator('.routes').evaluate((routes) => routes.remove())
      await marker.hover()
      const bottom = await page
        .locator('.instances')
        .evaluate((panel) => panel.getBoundingClientRect().bottom + (panel.ownerDocument.defaultView?.scrollY ?? 0))
      await page.screenshot({ path: SCREENSHOT, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.ceil(bottom) + 8 } })
    }
  } finally {
    await browser.close()
  }
}

describe.each(engines)('releases and instances on $engine', ({ engine, make }) => {
  const database = make?.()
  const running: InstanceProcess[] = []
  afterAll(async () => {
    await Promise.all(running.map((app) => app.stop()))
    await database?.drop()
  })
  const start = async (instance: string, version: string, slowMs = '0') => {
    const app = await startInstance({
      DATABASE: database?.database as string,
      TABLE: database?.table as string,
      INSTANCE: instance,
      VERSION: version,
      RUNTIME_EVERY: '1s',
      SLOW_MS: slowMs,
    })
    running.push(app)
    // Past its cold start (the first requests of a new process, its migration) before its timed traffic:
    // /vitals is not recorded.
    for (let i = 0; i < 50; i++) await (await fetch(`${app.url}/vitals`)).arrayBuffer()
    await new Promise((resolve) => setTimeout(resolve, 500))
    return app
  }
  const stop = async (app: InstanceProcess) => {
    expect(await app.stop()).toBe(0)
    running.splice(running.indexOf(app), 1)
  }

  it.skipIf(database === undefined)(
    'counts per instance and version, compares the releases, and sees a stalled event loop',
    async () => {
      const from = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000).toISOString().slice(0, 16)
      const sent: Sent = { byInstance: new Map(), byVersion: new Map(), errorsByInstance: new Map() }
      const old = await Promise.all(INSTANCES.map((instance) => start(instance, '1.0.0')))
      await traffic(old, '1.0.0', sent)
      for (const app of old) await stop(app)

      const note = await runCli(['annotate', database?.database as string, 'Deploy 1.1.0', '--table', database?.table as string])
      expect(note.code, note.stderr).toBe(0)
      const apps = await Promise.all(INSTANCES.map((instance) => start(instance, '1.1.0', SLOWED_MS)))
      await traffic(apps, '1.1.0', sent)
      const [first, ...others] = apps as [InstanceProcess, ...InstanceProcess[]]
      const api = async <T>(path: string): Promise<T> => (await fetch(`${first.url}/statistics/api/${path}`)).json() as Promise<T>

      // Every request is in once the instances flushed (they write every 100 ms).
      const total = ROUNDS * 2 * 2 + 2 * (ROUNDS / 30)
      const stats = await poll(
        () => api<Stats>(`stats?from=${from}Z`),
        (answer) => answer.hits === total,
        'every request written',
      )
      expect(new Map(stats.instances.map((line) => [line.key, line.count]))).toEqual(sent.byInstance)
      expect(new Map(stats.instances.map((line) => [line.key, line.errors]))).toEqual(new Map(INSTANCES.map((i) => [i, sent.errorsByInstance.get(i) ?? 0])))
      expect(new Map(stats.versions.map((line) => [line.key, line.count]))).toEqual(sent.byVersion)
      for (const instance of INSTANCES) {
        const narrowed = await api<Stats>(`stats?from=${from}Z&instance=${instance}`)
        expect({ instance, hits: narrowed.hits }).toEqual({ instance, hits: sent.byInstance.get(instance) })
      }
      const newer = await api<Stats>(`stats?from=${from}Z&version=1.1.0`)
      expect(newer.hits).toBe(sent.byVersion.get('1.1.0'))

      const releases = await api<ReleasesAnswer>(`releases?from=${from}Z`)
      expect(releases.releases.map(({ version, hits }) => ({ version, hits }))).toEqual([
        { version: '1.0.0', hits: sent.byVersion.get('1.0.0') },
        { version: '1.1.0', hits: sent.byVersion.get('1.1.0') },
      ])
      expect(releases.annotations.map((annotation) => annotation.text)).toEqual(['Deploy 1.1.0'])
      expect(releases.comparison, JSON.stringify(releases.comparison?.routes)).toMatchObject({ version: '1.1.0', previous: '1.0.0', worse: ['/work/:n'] })
      const work = releases.comparison?.routes.find((change) => change.route === '/work/:n')
      expect(work?.current?.p95ResponseTime).toBeGreaterThanOrEqual(Number(SLOWED_MS))

      // A 200 ms stall of one instance shows in its p99 gauge, at the point of the stall. (Another
      // instance may stall too on a loaded machine: the point, not a comparison, tells.) A sample is
      // stamped when taken, up to a sampling period (1 s) after the stall: the stall comes early in a
      // point, so that its sample falls in the same one.
      const { width } = await api<InstancesAnswer>(`instances?from=${from}Z`)
      const intoPoint = Date.now() % width
      if (intoPoint < 500 || intoPoint > width - 4000) await new Promise((resolve) => setTimeout(resolve, width - intoPoint + 500))
      const stalledAt = Date.now()
      await (await fetch(`${first.url}/block/200`)).arrayBuffer()
      const holds = (answer: InstancesAnswer, point: InstancesAnswer['runtime'][number]) =>
        Date.parse(point.t) <= stalledAt && stalledAt < Date.parse(point.t) + answer.width
      const gauges = await poll(
        () => api<InstancesAnswer>(`instances?from=${from}Z`),
        (answer) => answer.runtime.some((point) => point.instance === 'app-1' && holds(answer, point) && point.loopP99 >= 150),
        'the stall in app-1’s p99',
      )
      expect(gauges.runtime.filter((point) => point.instance === 'app-1' && holds(gauges, point))).toHaveLength(1)
      expect(gauges.runtime.find((point) => point.instance === 'app-1')).toMatchObject({
        heapUsed: expect.any(Number),
        rss: expect.any(Number),
        cpu: expect.any(Number),
      })

      if (chromiumHere) await showsReleasesInChromium(`${first.url}/statistics?range=1h`, engine === 'SQLite')

      // Two instances stop; the one going on says so of them once three samples are missed.
      for (const app of others) await stop(app)
      const stopped = await poll(
        () => api<InstancesAnswer>(`instances?from=${from}Z`),
        (answer) => answer.instances.filter((line) => line.stopped).length === 2,
        'the stopped instances',
      )
      expect(stopped.instances.map(({ instance, stopped: gone }) => [instance, gone])).toEqual([
        ['app-2', true],
        ['app-3', true],
        ['app-1', false],
      ])
    },
    180_000,
  )
})
