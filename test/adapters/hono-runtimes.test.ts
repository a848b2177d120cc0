import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

// What a runtime without Node's native addons sees (better-sqlite3 made unloadable): the app keeps
// answering, statgraph says clearly why the default store cannot work, and a Store of the app's own works.
const root = new URL('../../', import.meta.url).pathname
const hook = new URL('../fixtures/without-packages.mjs', import.meta.url).pathname

async function run(code: string) {
  return promisify(execFile)(process.execPath, ['--import', hook, '--input-type=module', '-e', code], {
    cwd: root,
    env: { ...process.env, HIDE_PACKAGES: 'better-sqlite3' },
  })
}

describe('statgraph/hono where better-sqlite3 cannot load', () => {
  it('keeps the app answering and names the problem and the fix', async () => {
    const { stdout, stderr } = await run(`
      import { Hono } from 'hono'
      import { statgraph } from 'statgraph/hono'
      const app = new Hono()
      const stats = statgraph({ database: '/tmp/never-created.db' })
      app.use(stats.middleware)
      app.get('/', (c) => c.text('Hello World!'))
      const response = await app.request('/')
      console.log(response.status, await response.text())
      await stats.flush().catch((error) => console.log('flush:', error.message))
    `)
    expect(stdout).toContain('200 Hello World!')
    expect(stdout).toContain('flush: statgraph: the default SQLite store needs better-sqlite3')
    expect(stderr).toContain('pass `database` a Store of your own')
  })

  it('records into a Store the app passes in', async () => {
    const { stdout } = await run(`
      import { Hono } from 'hono'
      import { statgraph } from 'statgraph/hono'
      const rows = []
      const store = { migrate: async () => {}, insertBatch: async (batch) => { rows.push(...batch) }, stats: async () => ({}), requests: async () => ({ total: 0, rows: [] }), prune: async () => 0, close: async () => {} }
      const app = new Hono()
      const stats = statgraph({ database: store })
      app.use(stats.middleware)
      app.get('/users/:id', (c) => c.json({ id: c.req.param('id') }))
      await (await app.request('/users/7')).text()
      await stats.close()
      console.log(JSON.stringify(rows.map((row) => [row.path, row.route, row.status_code, row.mimetype])))
    `)
    expect(JSON.parse(stdout)).toEqual([['/users/7', '/users/:id', 200, 'application/json']])
  })
})
