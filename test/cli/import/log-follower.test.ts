import { appendFileSync, copyFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { LogFollower } from '../../../src/cli/import/log-follower.js'
import { KyselyStore } from '../../../src/store/kysely/kysely-store.js'
import { openStore } from '../../../src/store/open-store.js'
import { type CliDatabase, cliDatabase, cliEngines } from '../../helpers/cli-databases.js'
import { tempDir } from '../../helpers/temp-dir.js'
import { lines, once } from '../../helpers/log-lines.js'
import { poll } from '../../helpers/wait-for.js'

const dir = tempDir()

for (const { engine, make } of cliEngines(dir)) {
  describe.skipIf(make === undefined)(`LogFollower on ${engine}`, () => {
    const opened: CliDatabase[] = []
    afterEach(async () => {
      for (const database of opened.splice(0)) await database.drop()
    })

    /** A follower of `log` into a fresh database, polled by the test itself. */
    const follow = (log: string) => {
      const target = (make as () => CliDatabase)()
      opened.push(target)
      const store = openStore(target.database, { table: target.table })
      if (!(store instanceof KyselyStore)) throw new Error('expected a KyselyStore')
      const told: string[] = []
      const follower = new LogFollower(store, 'combined', log, { graceMs: 0, log: (message) => told.push(message) })
      return { target, store, follower, told }
    }

    it('reads the lines written before a copytruncate but after its last look from the copy', async () => {
      const log = join(dir, `${engine}-truncated.log`)
      writeFileSync(log, '')
      const { target, store, follower, told } = follow(log)
      try {
        await follower.poll()
        appendFileSync(log, lines(1, 3))
        // A line still being written is left until its end comes.
        appendFileSync(log, lines(4, 4).slice(0, 30))
        await follower.poll()
        expect(await target.paths()).toEqual(once(1, 3))
        appendFileSync(log, lines(4, 4).slice(30) + lines(5, 6))
        copyFileSync(log, `${log}.1`)
        truncateSync(log)
        appendFileSync(log, lines(7, 8))
        await follower.poll()
        expect(told).toEqual([
          `${log} was truncated; reading it again from its start`,
          `read 3 requests from ${engine}-truncated.log.1, written before the log rotated`,
        ])
        // Truncated and written past where it was read before the next look: its first line tells.
        appendFileSync(log, lines(9, 20))
        copyFileSync(log, `${log}.1`)
        truncateSync(log)
        appendFileSync(log, lines(21, 40))
        await follower.poll()
        expect(await target.paths()).toEqual(once(1, 40))
      } finally {
        await follower.close()
        await store.close()
      }
    })

    it('reads every line when the log rotated twice between two looks', async () => {
      const log = join(dir, `${engine}-twice.log`)
      writeFileSync(log, lines(1, 2))
      const { target, store, follower } = follow(log)
      try {
        await follower.poll()
        renameSync(log, `${log}.1`)
        writeFileSync(log, lines(3, 5))
        renameSync(`${log}.1`, `${log}.2`)
        copyFileSync(log, `${log}.1`)
        truncateSync(log)
        appendFileSync(log, lines(6, 7))
        await follower.poll()
        expect(await target.paths()).toEqual(once(1, 7))
      } finally {
        await follower.close()
        await store.close()
      }
    })

    it('reads a renamed log to its end and while its writer still writes to it, then the new one', async () => {
      const log = join(dir, `${engine}-renamed.log`)
      writeFileSync(log, lines(1, 2))
      const { target, store, follower, told } = follow(log)
      try {
        await follower.poll()
        renameSync(log, `${log}.1`)
        appendFileSync(`${log}.1`, lines(3, 4))
        await follower.poll()
        writeFileSync(log, lines(5, 5))
        appendFileSync(`${log}.1`, lines(6, 6))
        await follower.poll()
        expect(told).toEqual([`${log} was rotated; reading the rest of the old file`])
        appendFileSync(log, lines(7, 7))
        await follower.poll()
        expect(await target.paths()).toEqual(once(1, 7))
        // Started again, a follower reads only what was not read.
        appendFileSync(log, lines(8, 9))
        const again = new LogFollower(store, 'combined', log)
        await again.poll()
        await again.close()
        expect(await target.paths()).toEqual(once(1, 9))
        expect(again.totals).toEqual({ imported: 2, malformed: 0 })
      } finally {
        await follower.close()
        await store.close()
      }
    })
  })
}

describe('LogFollower when its database fails for a while', () => {
  it('says so once, keeps what it read, and writes it once the database is back', async () => {
    const database = join(dir, 'locked.db')
    const log = join(dir, 'locked.log')
    writeFileSync(log, lines(1, 2))
    const store = openStore(database, { table: 'request' })
    if (!(store instanceof KyselyStore)) throw new Error('expected a KyselyStore')
    const told: string[] = []
    const follower = new LogFollower(store, 'combined', log, { pollMs: 50, log: (message) => told.push(message) })
    const stop = new AbortController()
    const running = follower.run(stop.signal)
    try {
      await poll(
        async () => follower.totals.imported,
        (n) => n === 2,
        'the first lines',
      )
      // Another connection holds the file's write lock past the store's busy timeout.
      const locker = new Database(database)
      locker.exec('begin exclusive')
      appendFileSync(log, lines(3, 5))
      await poll(
        async () => told.length,
        (n) => n > 0,
        'the failure to be told',
        30_000,
      )
      locker.exec('rollback')
      locker.close()
      await poll(
        async () => follower.totals.imported,
        (n) => n === 5,
        'the lines read meanwhile to be written',
        30_000,
      )
      expect(told).toEqual([
        expect.stringMatching(/^reading .*locked\.log failed \(.*locked.*\); trying again$/),
        expect.stringMatching(/locked\.log works again$/),
      ])
    } finally {
      stop.abort()
      await running
      await store.close()
    }
    expect(await cliDatabase(database, 'request').paths()).toEqual(once(1, 5))
  }, 60_000)
})
