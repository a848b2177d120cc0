import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js'
import { hasNginx, startNginx } from '../../helpers/nginx.js'
import { runCli } from '../../helpers/run-cli.js'
import { tempDir } from '../../helpers/temp-dir.js'

const nginxHere = hasNginx('the import test')
const dir = tempDir()

/** What the test sends: the path, the status nginx is told to answer, and the user agent. */
const SENT = [
  { path: '/', status: 200, agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0' },
  {
    path: '/about',
    status: 200,
    agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  },
  { path: '/missing', status: 404, agent: 'curl/8.5.0' },
  { path: '/broken', status: 500, agent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
  { path: '/café/ünïcode', status: 200, agent: 'Agent with "quotes" and a \\ backslash' },
  { path: '/created', status: 201, agent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' },
]

describe.skipIf(!nginxHere)('statgraph import of a log a real nginx wrote', () => {
  it('gives back the hits, statuses, paths and user agents that were sent', async () => {
    const logs = join(dir, 'logs')
    mkdirSync(logs)
    const log = join(logs, 'access.log')
    // The combined format with $request_time appended, as many nginx setups log it.
    const nginx = await startNginx(
      dir,
      `access_log ${log} timed;
    location = /missing { return 404; }
    location = /broken { return 500; }
    location = /created { return 201 "made"; }
    location / { return 200 "hello"; }`,
      `log_format timed '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time';`,
    )
    const port = nginx.port
    try {
      for (const [i, sent] of SENT.entries()) {
        for (let repeat = 0; repeat <= i; repeat++) {
          const response = await fetch(`http://127.0.0.1:${port}${encodeURI(sent.path)}?n=${repeat}`, {
            headers: { 'user-agent': sent.agent, referer: 'https://referrer.example/page' },
          })
          await response.text()
          expect(response.status).toBe(sent.status)
        }
      }
    } finally {
      await nginx.stop()
    }
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(SENT.reduce((sum, _, i) => sum + i + 1, 0))

    const database = join(dir, 'imported.db')
    const result = await runCli(['import', log, '--database', database])
    expect(result).toMatchObject({ code: 0, stderr: '' })
    const store = new SqliteStore({ database })
    const rows = []
    for await (const page of store.eachPage({ range: { from: 0, to: Date.now() + 60_000 }, filters: {} })) rows.push(...page)
    await store.close()

    expect(rows).toHaveLength(SENT.reduce((sum, _, i) => sum + i + 1, 0))
    for (const [i, sent] of SENT.entries()) {
      const mine = rows.filter((row) => row.path === sent.path)
      expect({ path: sent.path, hits: mine.length }).toEqual({ path: sent.path, hits: i + 1 })
      for (const row of mine) {
        expect(row).toMatchObject({
          status_code: sent.status,
          user_agent: sent.agent,
          method: 'GET',
          remote_address: '127.0.0.1',
          referrer: 'https://referrer.example/page',
        })
        expect(row.response_time).toBeGreaterThanOrEqual(0)
        expect(Math.abs(Date.parse(row.date) - Date.now())).toBeLessThan(120_000)
      }
    }
    expect(rows.find((row) => row.path === '/')).toMatchObject({ browser: 'firefox 132.0', platform: 'linux', bot: false })
    expect(rows.find((row) => row.path === '/broken')?.bot).toBe(true)
  }, 60_000)
})
