import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { hasChromium, launchChromium } from '../helpers/chromium.js'
import { tempDir } from '../helpers/temp-dir.js'
import { poll } from '../helpers/wait-for.js'
import { freePort } from '../helpers/free-port.js'
import { killedAfterEach } from '../helpers/child-processes.js'

// Each framework's README snippet is a file in examples/snippets/, run here as written, and the
// README's code blocks must be these files, byte for byte.

const SNIPPETS = ['express', 'fastify', 'koa', 'hono', 'node', 'nestjs'] as const
const root = new URL('../../', import.meta.url)
const tsx = new URL('node_modules/.bin/tsx', root).pathname
const dir = tempDir()
const chromiumHere = hasChromium('the login example test')
const children = killedAfterEach()

async function tryFetch(url: string, init?: RequestInit): Promise<Response | undefined> {
  try {
    return await fetch(url, { redirect: 'manual', ...init })
  } catch {
    return undefined
  }
}

/** Starts a snippet in a folder of its own (for its ./statistics.db); its base URL. */
async function run(name: string): Promise<string> {
  const port = await freePort()
  const cwd = join(dir, name)
  mkdirSync(cwd)
  // The project's tsconfig (legacy decorators, as every NestJS project has), not the empty folder's.
  const file = new URL(`examples/snippets/${name}.ts`, root).pathname
  const child = spawn(tsx, ['--tsconfig', new URL('tsconfig.json', root).pathname, file], {
    cwd,
    env: { ...process.env, PORT: String(port), ADMIN_PASSWORD: 'secret', NODE_ENV: 'development' },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  children.push(child)
  return `http://localhost:${port}`
}

it('has the CommonJS form of the Express snippet in the README as written (the package test runs it)', () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8')
  expect(readme).toContain(
    `<!-- snippet: examples/snippets/express.cjs -->\n\`\`\`js\n${readFileSync(new URL('examples/snippets/express.cjs', root), 'utf8')}\`\`\``,
  )
})

describe.each(SNIPPETS)('the README snippet for %s', (name) => {
  const file = new URL(`examples/snippets/${name}.ts`, root).pathname

  it('is in the README as written', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8')
    expect(readme).toContain(`<!-- snippet: examples/snippets/${name}.ts -->\n\`\`\`ts\n${readFileSync(file, 'utf8')}\`\`\``)
  })

  it('runs: records requests and serves the dashboard to the admin only', async () => {
    const base = await run(name)
    const home = await poll(
      () => tryFetch(`${base}/`),
      (response) => response !== undefined,
      `${name} to answer`,
    )
    expect(await home?.text()).toBe('Hello World!')
    await fetch(`${base}/`)
    // A browser asks for the admin's password.
    const denied = await fetch(`${base}/statistics`, { redirect: 'manual' })
    expect(denied.status).toBe(401)
    expect(denied.headers.get('www-authenticate')).toMatch(/^Basic /)
    // Recorded requests are written within a second; the dashboard opens with the password.
    const admin = `Basic ${Buffer.from('admin:secret').toString('base64')}`
    const hits = await poll(
      async () => ((await (await fetch(`${base}/statistics/api/stats`, { headers: { authorization: admin } })).json()) as { hits: number }).hits,
      (count) => count === 2,
      `${name} to record two requests`,
    )
    expect(hits).toBe(2)
    const child = children.at(-1) as ChildProcess
    child.kill('SIGTERM')
    const [code, signal] = await once(child, 'exit')
    expect({ code, signal }).not.toEqual({ code: null, signal: 'SIGKILL' })
  }, 60_000)
})

describe.skipIf(!chromiumHere)('the README protect example, an Express login', () => {
  it('is in the README as written', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8')
    expect(readme).toContain(
      `<!-- snippet: examples/snippets/express-login.ts -->\n\`\`\`ts\n${readFileSync(new URL('examples/snippets/express-login.ts', root), 'utf8')}\`\`\``,
    )
  })

  it('sends a browser to log in, and back to the dashboard once it has', async () => {
    const base = await run('express-login')
    await poll(
      () => tryFetch(`${base}/`),
      (response) => response !== undefined,
      'the login example to answer',
    )
    const browser = await launchChromium()
    try {
      const page = await browser.newPage()
      await page.goto(`${base}/statistics`)
      expect(new URL(page.url()).pathname).toBe('/login')
      await page.fill('input[name=password]', 'wrong')
      await Promise.all([page.waitForURL(`${base}/login`), page.click('button')])
      await page.fill('input[name=password]', 'secret')
      await Promise.all([page.waitForURL(`${base}/statistics`), page.click('button')])
      // The page and its API calls pass `protect` on the session cookie: they show the app's requests, the login's among them.
      await page.getByRole('heading', { name: 'Statistics' }).waitFor()
      const routes = await poll(
        async () => (await page.reload(), await page.locator('#routes').textContent({ timeout: 10_000 })),
        // All four of the login's requests, however late the last are written.
        (text) => /\/login\s*4/.test(text ?? ''),
        'the dashboard to list the requests',
      )
      expect(routes).toMatch(/\/login\s*4/)
      // Without the cookie, the API is refused as the page was.
      expect((await fetch(`${base}/statistics/api/stats`, { redirect: 'manual' })).status).toBe(302)
    } finally {
      await browser.close()
    }
  }, 60_000)
})
