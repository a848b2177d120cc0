import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/temp-dir.js'
import { poll } from '../helpers/wait-for.js'
import { freePort } from '../helpers/free-port.js'

// Each framework's README snippet is a file in examples/snippets/, run here as written, and the
// README's code blocks must be these files, byte for byte.

const SNIPPETS = ['express', 'fastify', 'koa', 'hono', 'node', 'nestjs'] as const
const root = new URL('../../', import.meta.url)
const tsx = new URL('node_modules/.bin/tsx', root).pathname
const dir = tempDir()
const children: ChildProcess[] = []
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null) {
      child.kill('SIGKILL')
      await once(child, 'exit')
    }
  }
})

async function tryFetch(url: string, init?: RequestInit): Promise<Response | undefined> {
  try {
    return await fetch(url, { redirect: 'manual', ...init })
  } catch {
    return undefined
  }
}

it('has the CommonJS form of the Express snippet in the README as written (the package test runs it)', () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8')
  expect(readme).toContain(`<!-- snippet: examples/snippets/express.cjs -->\n\`\`\`js\n${readFileSync(new URL('examples/snippets/express.cjs', root), 'utf8')}\`\`\``)
})

describe.each(SNIPPETS)('the README snippet for %s', (name) => {
  const file = new URL(`examples/snippets/${name}.ts`, root).pathname

  it('is in the README as written', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8')
    expect(readme).toContain(`<!-- snippet: examples/snippets/${name}.ts -->\n\`\`\`ts\n${readFileSync(file, 'utf8')}\`\`\``)
  })

  it('runs: records requests and serves the dashboard behind protect', async () => {
    const port = await freePort()
    // Each snippet keeps its ./statistics.db in a folder of its own.
    const cwd = join(dir, name)
    mkdirSync(cwd)
    // The project's tsconfig (legacy decorators, as every NestJS project has), not the empty folder's.
    const child = spawn(tsx, ['--tsconfig', new URL('tsconfig.json', root).pathname, file], {
      cwd,
      env: { ...process.env, PORT: String(port), ADMIN_TOKEN: 'secret', NODE_ENV: 'development' },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    children.push(child)
    const base = `http://localhost:${port}`
    const home = await poll(() => tryFetch(`${base}/`), (response) => response !== undefined, `${name} to answer`)
    expect(await home?.text()).toBe('Hello World!')
    await fetch(`${base}/`)
    const denied = await fetch(`${base}/statistics`, { redirect: 'manual' })
    expect(denied.status).toBe(302)
    expect(denied.headers.get('location')).toBe('/login')
    // Recorded requests are written within a second; the dashboard opens with the token.
    const hits = await poll(
      async () => ((await (await fetch(`${base}/statistics/api/stats`, { headers: { authorization: 'Bearer secret' } })).json()) as { hits: number }).hits,
      (count) => count === 2,
      `${name} to record two requests`,
    )
    expect(hits).toBe(2)
    child.kill('SIGTERM')
    const [code, signal] = await once(child, 'exit')
    expect({ code, signal }).not.toEqual({ code: null, signal: 'SIGKILL' })
  }, 60_000)
})
