import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'

const demo = new URL('../../examples/express-demo.ts', import.meta.url).pathname
const tsx = new URL('../../node_modules/.bin/tsx', import.meta.url).pathname
const cwd = mkdtempSync(join(tmpdir(), 'statgraph-demo-'))
afterAll(() => rmSync(cwd, { recursive: true, force: true }))

describe('the demo behind npm start', () => {
  it('serves its traffic, records all of it and prints the dashboard address', async () => {
    const { stdout } = await promisify(execFile)(tsx, [demo, '--once'], {
      cwd,
      env: { ...process.env, PORT: '0' },
      timeout: 120_000,
    })
    expect(stdout).toMatch(/wrote 9000 past requests/)
    expect(stdout).toMatch(/sent 3000 live requests; 3000 recorded/)
    expect(stdout).toMatch(/Dashboard: http:\/\/localhost:\d+\/statistics/)
  })
})
