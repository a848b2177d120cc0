import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = new URL('..', import.meta.url).pathname

/** Runs `code` in a fresh Node process from the package root, where `statgraph` resolves to `dist/`. */
function node(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim()
}

describe('the built package', () => {
  it('loads both entry points as ES modules', () => {
    const out = node([
      '--input-type=module',
      '-e',
      "import * as main from 'statgraph'; import { statgraph } from 'statgraph/express'; console.log(typeof main.SqliteStore, typeof main.Recorder, typeof statgraph)",
    ])
    expect(out).toBe('function function function')
  })

  it('loads both entry points through require()', () => {
    const out = node([
      '-e',
      "const main = require('statgraph'); const { statgraph } = require('statgraph/express'); console.log(typeof main.createDashboard, typeof statgraph)",
    ])
    expect(out).toBe('function function')
  })

  it('exports one subpath per adapter, and each loads both ways', () => {
    const adapters = readdirSync(new URL('../src/adapters', import.meta.url))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => file.slice(0, -3))
    const exportsMap = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).exports as Record<string, unknown>
    expect(Object.keys(exportsMap).sort()).toEqual(['.', './package.json', ...adapters.map((name) => `./${name}`)].sort())
    for (const name of adapters) {
      // Each adapter's entry point: a function, or Nest's module class.
      const main = name === 'nest' ? 'StatgraphModule' : 'statgraph'
      const code = `import * as m from 'statgraph/${name}'; const c = (await import('node:module')).createRequire(import.meta.url)('statgraph/${name}'); console.log(typeof m.${main}, typeof c.${main})`
      expect({ name, loaded: node(['--input-type=module', '-e', code]) }).toEqual({ name, loaded: 'function function' })
    }
  })

  it('writes a SQLite file through its writer thread and reads it through its reader thread, from both builds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'statgraph-package-'))
    const script = (load: string, file: string) => `
      ${load}
      const http = require('node:http')
      const listener = statgraph((req, res) => res.end('hi'), { database: ${JSON.stringify(file)} })
      const server = http.createServer(listener).listen(0, '127.0.0.1', async () => {
        const base = 'http://127.0.0.1:' + server.address().port
        await (await fetch(base + '/written')).text()
        await listener.flush()
        const listed = await (await fetch(base + '/statistics/api/requests')).json()
        console.log(JSON.stringify(listed.rows.map((row) => row.path)))
        server.closeAllConnections()
        server.close()
        await listener.close()
        const Database = require('better-sqlite3')
        console.log(JSON.stringify(new Database(${JSON.stringify(file)}).prepare('select path from request').all()))
      })`
    try {
      const cjs = node(['-e', script("const { statgraph } = require('statgraph/node')", join(dir, 'cjs.db'))])
      const esm = node([
        '--input-type=module',
        '-e',
        script(
          "import { statgraph } from 'statgraph/node'; import { createRequire } from 'node:module'; const require = createRequire(import.meta.url)",
          join(dir, 'esm.db'),
        ),
      ])
      expect([cjs, esm]).toEqual(Array(2).fill('["/written"]\n[{"path":"/written"}]'))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('ships the dashboard page inside its JavaScript', () => {
    const out = node([
      '--input-type=module',
      '-e',
      "import { createDashboard, SqliteStore } from 'statgraph'; const store = new SqliteStore({ database: ':memory:' }); const d = createDashboard({ store, prefix: '/s', defaultDateSpan: 7, access: 'open' }); const r = await d(new Request('http://x/s/assets/app.js')); console.log(r.status, (await r.text()).length > 10000); await store.close()",
    ])
    expect(out).toBe('200 true')
  })
})
