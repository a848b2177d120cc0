import { spawn } from 'node:child_process'
import { once as onceEvent } from 'node:events'
import { copyFileSync, existsSync, mkdirSync, renameSync, truncateSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { type CliDatabase, cliEngines } from '../../helpers/cli-databases.js'
import { once } from '../../helpers/log-lines.js'
import { hasNginx, startNginx } from '../../helpers/nginx.js'
import { CLI } from '../../helpers/run-cli.js'
import { tempDir } from '../../helpers/temp-dir.js'
import { poll, waitFor } from '../../helpers/wait-for.js'

const nginxHere = hasNginx('the import --follow test')
const dir = tempDir()

for (const { engine, make } of cliEngines(dir)) {
  describe.skipIf(!nginxHere || make === undefined)(`statgraph import --follow of a real nginx's log on ${engine}`, () => {
    const opened: CliDatabase[] = []
    afterEach(async () => {
      for (const database of opened.splice(0)) await database.drop()
    })

    it('counts every request once while the log grows, is renamed away and reopened, and is copytruncated', async () => {
      const target = (make as () => CliDatabase)()
      opened.push(target)
      const logs = join(dir, `${engine}-logs`)
      mkdirSync(logs)
      const log = join(logs, 'access.log')
      const nginx = await startNginx(dir, `access_log ${log} combined;\n    location / { return 200 "hello"; }`)
      // A slow look, so that the copytruncate below likely falls between two: its lines come from the copy.
      const follower = spawn(process.execPath, [CLI, 'import', log, '--follow', '--poll', '1000', '--database', target.database, '--table', target.table], {
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      follower.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
      follower.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
      const send = async (from: number, to: number) => {
        for (let n = from; n <= to; n++) {
          const response = await fetch(`http://127.0.0.1:${nginx.port}/r/${n}`)
          expect(await response.text()).toBe('hello')
        }
      }
      try {
        await waitFor(() => stderr.includes('following'), 'the follower to start')
        await send(1, 100)
        // logrotate's default: renamed, then nginx told to reopen; it writes to the old file until then.
        renameSync(log, `${log}.1`)
        await send(101, 150)
        nginx.reopen()
        await waitFor(() => existsSync(log), 'nginx to reopen its log')
        await send(151, 250)
        // copytruncate, the older copy shifted first.
        renameSync(`${log}.1`, `${log}.2`)
        await send(251, 300)
        copyFileSync(log, `${log}.1`)
        truncateSync(log)
        await send(301, 400)
        await poll(
          () => target.paths(),
          (paths) => [...paths.values()].reduce((sum, n) => sum + n, 0) >= 400,
          'the follower to read 400 requests',
        ).catch(async (error: unknown) => {
          const paths = await target.paths()
          const missing = [...once(1, 400).keys()].filter((path) => !paths.has(path))
          throw new Error(`${String(error)}; missing ${missing.length}: ${missing.slice(0, 20).join(' ')}; follower said: ${stderr}`)
        })
        follower.kill('SIGTERM')
        const [code] = (await onceEvent(follower, 'exit')) as [number | null]
        expect({ code, stderr }).toMatchObject({ code: 0, stderr: expect.stringContaining(`${log} was rotated`) })
        expect(stdout).toContain(`imported 400 requests from ${log}`)
      } finally {
        follower.kill('SIGKILL')
        await nginx.stop()
      }
      expect(await target.paths()).toEqual(once(1, 400))
    }, 120_000)
  })
}
