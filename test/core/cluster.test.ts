import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/temp-dir.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const app = fileURLToPath(new URL('../fixtures/cluster-app.ts', import.meta.url))
const dir = tempDir()
const N = 3000

describe('Node cluster: four workers on one SQLite file', () => {
  it(`records all ${N} requests exactly once, with no busy error escaping`, async () => {
    const database = join(dir, 'cluster.db')
    const primary = spawn(process.execPath, ['--import', 'tsx', app], {
      cwd: root,
      env: { ...process.env, DATABASE: database, WORKERS: '4', NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let errors = ''
    primary.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk))
    let output = ''
    const port = await new Promise<string>((resolve, reject) => {
      primary.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        output += chunk
        const match = /listening (\d+)/.exec(output)
        if (match?.[1] !== undefined) resolve(match[1])
      })
      primary.once('exit', (code) => reject(new Error(`the cluster exited with ${String(code)}: ${errors}`)))
    })

    let next = 0
    const pids = new Set<string>()
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < N) {
          const n = next++
          const text = await (await fetch(`http://127.0.0.1:${port}/hit/${n}`)).text()
          expect(text).toMatch(new RegExp(`^hit ${n} from \\d+$`))
          pids.add(text.split(' from ')[1] as string)
        }
      }),
    )
    primary.kill('SIGTERM')
    const [code] = await once(primary, 'exit')
    expect(code).toBe(0)

    const db = new Database(database, { readonly: true })
    const { rows, paths } = db.prepare('select count(*) as rows, count(distinct path) as paths from request').get() as { rows: number; paths: number }
    db.close()
    expect({ rows, paths }).toEqual({ rows: N, paths: N })
    // The requests were spread over the workers, and none of them logged a failed write.
    expect(pids.size).toBeGreaterThan(1)
    expect(errors).not.toMatch(/SQLITE_BUSY|database is locked|failed/)
  }, 120_000)
})
