import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { chmodSync, chownSync, closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { Health } from '../../src/dashboard/health.js'
import type { RecorderCounts } from '../../src/recorder/recorder.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { type InstanceProcess, startInstance } from '../helpers/instance-process.js'
import { tempDir } from '../helpers/temp-dir.js'
import { poll } from '../helpers/wait-for.js'

// The database fails under a running app: the app answers every request with its own status, the
// recorder logs once, retries, counts what it drops, and recovers by itself once the fault is gone.
// Disk-full and read-only faults need a filesystem of their own: a tmpfs, mounted as root.
const isRoot = process.getuid?.() === 0
if (!isRoot && process.env.CI) throw new Error('the store-fault tests mount a tmpfs and need root; under CI=true that is a failure, not a skip')

const dir = tempDir()
const mounted: string[] = []
let instance: InstanceProcess | undefined
afterEach(async () => {
  await instance?.stop()
  instance = undefined
})
afterAll(() => {
  for (const point of mounted) execFileSync('umount', ['-l', point])
})

function mountTmpfs(name: string, size: string): string {
  const point = join(dir, name)
  mkdirSync(point)
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', point])
  mounted.push(point)
  return point
}

interface Fault {
  start(): Promise<void>
  end(): Promise<void>
  /** What the health and the log must call the fault. */
  named: RegExp
}

async function survive(database: string, fault: Fault, user?: { uid: number; gid: number }): Promise<void> {
  instance = await startInstance({ DATABASE: database, TABLE: 'request', MAX_BUFFER: '200' }, user)
  const app = instance
  let sent = 0
  const statuses = new Set<number>()
  const send = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const response = await fetch(`${app.url}/hit/${sent++}-${'x'.repeat(400)}`, { headers: { 'user-agent': `agent ${'y'.repeat(500)}` } })
      await response.text()
      statuses.add(response.status)
    }
  }
  const counts = async () => (await (await fetch(`${app.url}/recorder`)).json()) as RecorderCounts

  await fault.start()
  await send(400)
  const during = await poll(counts, (c) => c.failing && c.dropped > 0, 'writes to fail and the buffer to overflow', 30_000)
  const answer = await fetch(`${app.url}/statistics/api/health`)
  // 503 while writes fail, so that a probe sees it.
  expect(answer.status).toBe(503)
  const health = (await answer.json()) as Health
  expect(health).toMatchObject({ state: 'failing' })
  expect(health.lastError).toMatch(fault.named)
  expect(during.buffered).toBeLessThanOrEqual(200)
  await fault.end()
  await poll(counts, (c) => !c.failing && c.buffered === 0, 'the recorder to recover', 30_000)
  await send(50)
  const after = await poll(counts, (c) => c.buffered === 0 && c.written + c.dropped === sent, 'the last requests to be written', 30_000)
  expect(after.written).toBeGreaterThan(0)

  expect([...statuses]).toEqual([200])
  expect(after.dropped).toBeGreaterThan(0)
  const db = new Database(database, { readonly: true })
  const { n } = db.prepare('select count(*) as n from request').get() as { n: number }
  db.close()
  expect(n).toBe(after.written)
  // One line when writing starts failing and one when it works again, not one per request or retry.
  const log = app.stderr()
  expect(log.match(/writing request statistics failed/g)).toHaveLength(1)
  expect(log).toMatch(new RegExp(`writing request statistics failed \\([^\\n]*${fault.named.source}`))
  expect(log.match(/writing request statistics works again/g)).toHaveLength(1)
}

describe.skipIf(!isRoot)('a SQLite database failing under a running app', () => {
  it('recovers from a full disk once space is freed', async () => {
    const disk = mountTmpfs('full', '4m')
    const filler = join(disk, 'filler')
    await survive(join(disk, 'app.db'), {
      async start() {
        // Fill the disk to the last byte: the database has no room to grow.
        const handle = openSync(filler, 'w')
        const chunk = Buffer.alloc(4096)
        try {
          for (;;) writeSync(handle, chunk)
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
        } finally {
          closeSync(handle)
        }
      },
      async end() {
        rmSync(filler)
      },
      // SQLite says "disk is full", or "disk I/O error" where the write that ran out of room was the WAL's.
      named: /(disk is full|disk I\/O error)/,
    })
  }, 120_000)

  it('recovers from a database file that was read-only when the app opened it, once it is writable', async () => {
    // As an ordinary user: root writes to read-only files anyway.
    const nobody = { uid: 65534, gid: 65534 }
    const folder = join(dir, 'readonly')
    mkdirSync(folder)
    const database = join(folder, 'app.db')
    const store = new SqliteStore({ database })
    await store.migrate()
    await store.close()
    for (const path of [folder, database]) chownSync(path, nobody.uid, nobody.gid)
    // The test's temporary folder is root's alone (0700); nobody must be able to pass through it.
    chmodSync(dir, 0o755)
    chmodSync(database, 0o444)
    await survive(
      database,
      {
        async start() {},
        async end() {
          chmodSync(database, 0o644)
        },
        named: /readonly|read-only/,
      },
      nobody,
    )
  }, 120_000)

  it('writes to the new file when the database file is deleted under the app', async () => {
    const database = join(dir, 'deleted.db')
    instance = await startInstance({ DATABASE: database, TABLE: 'request' })
    const app = instance
    const counts = async () => (await (await fetch(`${app.url}/recorder`)).json()) as RecorderCounts
    for (let i = 0; i < 20; i++) await (await fetch(`${app.url}/hit/before-${i}`)).text()
    await poll(counts, (c) => c.written === 20, 'the first requests to be written')
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${database}${suffix}`, { force: true })
    for (let i = 0; i < 30; i++) expect((await fetch(`${app.url}/hit/after-${i}`)).status).toBe(200)
    await poll(counts, (c) => c.written === 50 && c.buffered === 0, 'the later requests to be written')
    const db = new Database(database, { readonly: true })
    const paths = (db.prepare('select path from request').all() as { path: string }[]).map((row) => row.path)
    db.close()
    expect(paths.sort()).toEqual(Array.from({ length: 30 }, (_, i) => `/hit/after-${i}`).sort())
  }, 60_000)

  it('waits out another process holding the database locked past its busy timeout', async () => {
    const database = join(dir, 'locked.db')
    let locker: ReturnType<typeof spawn> | undefined
    await survive(database, {
      async start() {
        // Held until the test has seen writes fail and requests dropped (past the writer's 5 s busy
        // timeout, however long its thread took to start), then let go: no race with a clock.
        const code = `const db = new (require('better-sqlite3'))(${JSON.stringify(database)}); db.exec('begin exclusive'); console.log('locked'); process.stdin.once('data', () => { db.exec('rollback'); db.close(); process.exit(0) })`
        locker = spawn(process.execPath, ['-e', code], { stdio: ['pipe', 'pipe', 'inherit'] })
        await once(locker.stdout as NonNullable<typeof locker.stdout>, 'data')
      },
      async end() {
        if (locker?.exitCode !== null) return
        locker.stdin?.write('release\n')
        await once(locker, 'exit')
      },
      named: /locked|busy/,
    })
  }, 120_000)
})
