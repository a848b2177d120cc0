import { createHash } from 'node:crypto'
import { appendFileSync, copyFileSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { type CliDatabase, cliEngines } from '../../helpers/cli-databases.js'
import { lines, once } from '../../helpers/log-lines.js'
import { runCli } from '../../helpers/run-cli.js'
import { tempDir } from '../../helpers/temp-dir.js'

const dir = tempDir()

for (const { engine, make } of cliEngines(dir)) {
  describe.skipIf(make === undefined)(`statgraph import on ${engine}: each line once`, () => {
    let target: CliDatabase
    const opened: CliDatabase[] = []
    const fresh = () => {
      target = (make as () => CliDatabase)()
      opened.push(target)
      return target
    }
    const run = (...args: string[]) => runCli(['import', ...args, '--database', target.database, '--table', target.table])
    afterEach(async () => {
      for (const database of opened.splice(0)) await database.drop()
    })

    it('reads a log that grew from where it left off, and knows its rotated, compressed and CRLF copies', async () => {
      fresh()
      const logs = join(dir, `${engine}-grown`)
      const log = `${logs}.log`
      writeFileSync(log, lines(1, 3))
      expect(await run(log)).toMatchObject({ code: 0, stdout: expect.stringContaining(`imported 3 requests from ${log}\n`) })
      appendFileSync(log, lines(4, 6))
      expect(await run(log)).toMatchObject({ code: 0, stdout: expect.stringContaining(`imported 3 requests from ${log} past line 3`) })
      // Rotated by renaming: the writer adds to the old file until it reopens its log.
      renameSync(log, `${log}.1`)
      appendFileSync(`${log}.1`, lines(7, 8))
      writeFileSync(log, lines(9, 10))
      const rotated = await run(`${log}.1`, log)
      expect(rotated.code).toBe(0)
      expect(rotated.stdout).toContain(`imported 2 requests from ${log}.1 past line 6`)
      expect(rotated.stdout).toContain(`imported 2 requests from ${log}\n`)
      // Compressed later, and a copy with CRLF line ends: nothing new.
      writeFileSync(`${log}.1.gz`, gzipSync(readFileSync(`${log}.1`)))
      rmSync(`${log}.1`)
      writeFileSync(`${logs}-crlf.log`, lines(9, 10, '\r\n'))
      const copies = await run(`${log}.1.gz`, `${logs}-crlf.log`)
      expect(copies).toMatchObject({ code: 3, stdout: expect.stringContaining(`nothing new in ${log}.1.gz: its 8 lines were imported on`) })
      expect(copies.stdout).toContain(`nothing new in ${logs}-crlf.log: its 2 lines`)
      // Rotated by copytruncate: the copy has the lines written since, the log begins again.
      appendFileSync(log, lines(11, 12))
      copyFileSync(log, `${log}-20261126`)
      truncateSync(log)
      appendFileSync(log, lines(13, 13))
      const truncated = await run(`${log}-20261126`, log)
      expect(truncated.stdout).toContain(`imported 2 requests from ${log}-20261126 past line 2`)
      expect(truncated.stdout).toContain(`imported 1 requests from ${log}\n`)
      expect(await target.paths()).toEqual(once(1, 13))
    })

    it('records nothing of lines no line of which fits --format, and reads them with the right one', async () => {
      fresh()
      const log = join(dir, `${engine}-format.log`)
      writeFileSync(log, `${lines(1, 2)}not a request\n${lines(3, 3)}`)
      expect(await run(log)).toMatchObject({ code: 0, stdout: expect.stringContaining('imported 3 requests') })
      appendFileSync(log, lines(4, 5))
      const wrong = await run(log, '--format', 'json')
      expect(wrong).toMatchObject({ code: 4, stderr: expect.stringContaining('no new line of') })
      expect(await run(log)).toMatchObject({ code: 0, stdout: expect.stringContaining('imported 2 requests') })
      // Content that shares only its first line with the log is another log.
      const other = join(dir, `${engine}-other.log`)
      writeFileSync(other, lines(1, 1) + lines(20, 21))
      expect(await run(other)).toMatchObject({ code: 0, stdout: expect.stringContaining(`imported 3 requests from ${other}\n`) })
      expect(await target.paths()).toEqual(new Map([...once(1, 5), ['/r/1', 2], ...once(20, 21)]))
    })

    it('counts each line once when two imports of one log run at the same time', async () => {
      fresh()
      const log = join(dir, `${engine}-racing.log`)
      writeFileSync(log, lines(1, 12_000))
      const both = await Promise.all([run(log), run(log)])
      for (const result of both) {
        if (result.code !== 0) expect(result).toMatchObject({ code: 1, stderr: expect.stringContaining('at the same time; nothing was counted twice') })
      }
      const last = await run(log)
      expect([0, 3]).toContain(last.code)
      expect(await target.paths()).toEqual(once(1, 12_000))
    }, 60_000)
  })
}

describe('statgraph import after an older statgraph imported a log whole', () => {
  it('reads only the lines added since the import its ledger row tells of', async () => {
    const database = join(dir, 'older.db')
    const log = join(dir, 'older.log')
    writeFileSync(log, lines(1, 4))
    expect((await runCli(['import', log, '--database', database])).code).toBe(0)
    // As an older statgraph left it: the whole file's SHA-256, its line count, no head nor prefix.
    const db = new Database(database)
    const whole = createHash('sha256').update(readFileSync(log)).digest('hex')
    expect(db.prepare('update request_statgraph_import set fingerprint = ?, head = null, prefix = null').run(whole).changes).toBe(1)
    db.close()
    appendFileSync(log, lines(5, 6))
    const result = await runCli(['import', log, '--database', database])
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('imported 2 requests from') })
  })
})
