import type { ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatBytes } from '../../src/format/units.js'
import type { Stats } from '../../src/stats/answer/stats.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { generateRecords } from '../helpers/records.js'
import { runCli, startCli } from '../helpers/run-cli.js'
import { tempDir } from '../helpers/temp-dir.js'

const dir = tempDir()
const database = join(dir, 'statistics.db')
const DAY = 86_400_000
const today = Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`)
const records = generateRecords(600, today - 3 * DAY, 4, 21).filter((r) => r.date < Date.now())
const children: ChildProcess[] = []

beforeAll(async () => {
  const store = new SqliteStore({ database })
  await store.insertBatch(records)
  await store.close()
})
afterAll(() => {
  for (const child of children) child.kill()
})

describe('statgraph, run as a command', () => {
  it('prints help for every command and exits 0; a bad option exits 2', async () => {
    for (const command of ['serve', 'report', 'export', 'prune', 'import', 'demo']) {
      const { code, stdout } = await runCli([command, '--help'])
      expect({ command, code }).toEqual({ command, code: 0 })
      expect(stdout).toContain(`Usage: statgraph ${command}`)
    }
    const bad = await runCli(['report', database, '--colour'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("unknown option '--colour'")
  })

  it('prints the package version and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    for (const flag of ['--version', '-v']) expect(await runCli([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' })
  })

  it('refuses a missing or foreign database clearly, with exit code 2, and creates nothing', async () => {
    const missing = await runCli(['report', join(dir, 'nope.db')])
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('no database file at') })
    expect(existsSync(join(dir, 'nope.db'))).toBe(false)
    writeFileSync(join(dir, 'text.db'), 'not a database')
    const text = await runCli(['export', join(dir, 'text.db')])
    expect(text).toMatchObject({ code: 2, stderr: expect.stringContaining('file is not a database') })
    const other = await runCli(['report', database, '--table', 'visits'])
    expect(other).toMatchObject({ code: 2, stderr: expect.stringContaining('has no table "visits"') })
    const range = await runCli(['report', database, '--start', '2026-13-01'])
    expect(range).toMatchObject({ code: 2, stderr: expect.stringContaining('--start must be a date') })
  })

  it('reports the main numbers and top routes, as a table and as the API’s JSON', async () => {
    const start = new Date(today - 3 * DAY).toISOString().slice(0, 10)
    const json = await runCli(['report', database, '--start', start, '--json'])
    expect(json.code).toBe(0)
    const stats = JSON.parse(json.stdout) as Stats
    expect(stats.hits).toBe(records.length)
    const text = await runCli(['report', database, '--start', start, '--top', '3'])
    expect(text.code).toBe(0)
    expect(text.stdout).toContain(`Hits             ${stats.hits.toLocaleString('en-US')}`)
    // Bytes read as on the page.
    expect(text.stdout).toContain(`Bytes sent       ${formatBytes(stats.bytes)}`)
    expect(text.stdout).toMatch(/^Route\s+Hits\s+Unique\s+Errors\s+p95$/m)
    const top = stats.routes[0]
    expect(text.stdout).toMatch(new RegExp(`${(top?.key ?? '(no route)').replace(/[()/]/g, '\\$&')}\\s+${top?.count}`))
    expect(text.stdout.split('\n').filter((line) => / ms$/.test(line) && !line.startsWith('Response'))).toHaveLength(3)
  })

  it('exports every row of a range as CSV, JSON and NDJSON, to stdout or a file', async () => {
    const start = new Date(today - 3 * DAY).toISOString().slice(0, 10)
    const csv = await runCli(['export', database, '--start', start])
    expect(csv.code).toBe(0)
    const lines = csv.stdout.trim().split('\r\n')
    expect(lines[0]).toBe(
      'index,date,method,path,route,status_code,size,response_time,mimetype,remote_address,user_agent,browser,platform,bot,referrer,exception,instance,version',
    )
    expect(lines).toHaveLength(records.length + 1)
    const ndjson = await runCli(['export', database, '--start', start, '--format', 'ndjson'])
    const rows = ndjson.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { size: number; date: string })
    expect(rows.map((row) => `${row.date} ${row.size}`).sort()).toEqual(records.map((r) => `${new Date(r.date).toISOString()} ${r.size}`).sort())
    const out = join(dir, 'export.json')
    const json = await runCli(['export', database, '--start', start, '--format', 'json', '--out', out])
    expect(json).toMatchObject({ code: 0, stderr: expect.stringContaining(`exported ${records.length} rows`) })
    const exported = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>[]
    expect(exported).toHaveLength(records.length)
    // Every format lists the columns in one order.
    expect(Object.keys(rows[0] ?? {})).toEqual(lines[0]?.split(','))
    expect(Object.keys(exported[0] ?? {})).toEqual(lines[0]?.split(','))
    const empty = await runCli(['export', database, '--start', '2020-01-01', '--end', '2020-01-01', '--format', 'json'])
    expect(JSON.parse(empty.stdout)).toEqual([])
  })

  it('serves the dashboard on loopback, behind basic auth when asked', async () => {
    const { child, match } = await startCli(['serve', database, '--port', '0', '--auth', 'admin:s3cret'], /http:\/\/(127\.0\.0\.1):(\d+)\/statistics/)
    children.push(child)
    expect(match[1]).toBe('127.0.0.1')
    const base = `http://127.0.0.1:${match[2]}`
    const denied = await fetch(`${base}/statistics/api/stats`)
    expect(denied.status).toBe(401)
    expect(denied.headers.get('www-authenticate')).toContain('Basic')
    expect((await fetch(`${base}/statistics/api/stats`, { headers: { authorization: `Basic ${btoa('admin:wrong')}` } })).status).toBe(401)
    const authorization = `Basic ${btoa('admin:s3cret')}`
    const stats = (await (
      await fetch(`${base}/statistics/api/stats?start=${new Date(today - 3 * DAY).toISOString().slice(0, 10)}`, { headers: { authorization } })
    ).json()) as Stats
    expect(stats.hits).toBe(records.length)
    const page = await fetch(`${base}/statistics`, { headers: { authorization } })
    expect(await page.text()).toContain('<title>Statistics</title>')
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    const root = await fetch(`${base}/`, { headers: { authorization }, redirect: 'manual' })
    expect(root.headers.get('location')).toBe('/statistics')
    child.kill()
  })

  it('prunes rows older than a duration', async () => {
    const copy = join(dir, 'prune.db')
    const store = new SqliteStore({ database: copy })
    await store.insertBatch(records)
    await store.close()
    const old = records.filter((r) => r.date < Date.now() - 2 * DAY).length
    const { code, stdout } = await runCli(['prune', copy, '--older-than', '2d'])
    expect(code).toBe(0)
    expect(stdout).toContain(`deleted ${old} rows`)
    expect((await runCli(['prune', copy, '--older-than', 'soon'])).code).toBe(2)
    // Rollups stay until asked: the report still counts every request, then only the recent ones.
    const start = new Date(today - 3 * DAY).toISOString().slice(0, 10)
    const report = async () => (JSON.parse((await runCli(['report', copy, '--json', '--start', start])).stdout) as { hits: number }).hits
    expect(await report()).toBe(records.length)
    const rollups = await runCli(['prune', copy, '--older-than', '2d', '--rollups-older-than', '2d'])
    expect(rollups.stdout).toMatch(/deleted [1-9]\d* rollup cells/)
    const left = await report()
    expect(left).toBeLessThan(records.length)
    expect(left).toBeGreaterThanOrEqual(records.length - old)
  })

  it('imports each line of an access log once, gzip or not, from a file or stdin, and counts what it skips', async () => {
    const log = [
      '203.0.113.1 - - [26/Nov/2026:05:10:00 +0000] "GET /a?x=1 HTTP/1.1" 200 612 "-" "curl/8.5.0" 0.003',
      'garbage',
      '203.0.113.2 - - [26/Nov/2026:05:11:00 +0000] "POST /b HTTP/1.1" 500 0 "https://ref.example/" "Mozilla/5.0" 1.5',
      '',
      '203.0.113.3 - - [26/Nov/2026:05:12:00 +0000] "GET /c HTTP/1.1" 404 10 "-" "-"',
    ].join('\n')
    const file = join(dir, 'access.log')
    writeFileSync(file, log)
    writeFileSync(`${file}.gz`, gzipSync(log))
    const target = join(dir, 'imported.db')
    const first = await runCli(['import', file, '--database', target])
    expect(first).toMatchObject({ code: 0, stdout: expect.stringContaining('imported 3 requests from') })
    expect(first.stdout).toContain('skipped 1 malformed lines (line 2)')
    // Its compressed copy, and the same log again, hold nothing new: exit 3.
    const again = await runCli(['import', `${file}.gz`, file, '--database', target])
    expect(again).toMatchObject({ code: 3, stdout: expect.stringContaining(`nothing new in ${file}.gz: its 5 lines were imported on`) })
    const piped = await runCli(['import', '-', '--database', target], { input: log })
    expect(piped).toMatchObject({ code: 0, stdout: expect.stringContaining('imported 3 requests from -') })
    const report = JSON.parse((await runCli(['report', target, '--start', '2026-11-26', '--end', '2026-11-26', '--json'])).stdout) as Stats
    expect(report.hits).toBe(6)
    expect(new Map(report.statusCodes.map((e) => [e.key, e.count]))).toEqual(
      new Map([
        [200, 2],
        [500, 2],
        [404, 2],
      ]),
    )
    expect(report.responseTime.max).toBe(1500)
    // An access log has no route patterns: the report lists its paths.
    const text = (await runCli(['report', target, '--start', '2026-11-26', '--end', '2026-11-26'])).stdout
    expect(text).toMatch(/^Path\s+Hits/m)
    expect(text.match(/^\/[abc] /gm)).toEqual(['/a ', '/b ', '/c '])
    // The wrong format imports nothing, exits 4, and records nothing: the right one then goes through.
    const wrongTarget = join(dir, 'wrong.db')
    const wrong = await runCli(['import', file, '--database', wrongTarget, '--format', 'json'])
    expect(wrong).toMatchObject({ code: 4, stderr: expect.stringContaining('is --format right?') })
    expect(await runCli(['import', file, '--database', wrongTarget])).toMatchObject({ code: 0, stdout: expect.stringContaining('imported 3 requests') })
    const empty = join(dir, 'empty.log')
    writeFileSync(empty, '\n\n')
    expect(await runCli(['import', empty, '--database', wrongTarget])).toMatchObject({ code: 4, stderr: expect.stringContaining('holds no request line') })
  })
})
