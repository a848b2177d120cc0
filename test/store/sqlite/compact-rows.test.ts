import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js'
import { toUtcText } from '../../../src/stats/time/utc-text.js'
import { statsQuery } from '../../helpers/queries.js'
import { record } from '../../helpers/records.js'
import { tempDir } from '../../helpers/temp-dir.js'

const dir = tempDir()
let fileNumber = 0
const newFile = () => join(dir, `compact-${++fileNumber}.db`)

function query<T>(file: string, statement: string, ...params: unknown[]): T[] {
  const db = new Database(file, { readonly: true })
  try {
    return db.prepare(statement).all(...params) as T[]
  } finally {
    db.close()
  }
}

describe('SQLite compact rows', () => {
  it("reads as the seed's table: every column in its former form, dates to the millisecond, nulls kept", async () => {
    const file = newFile()
    const store = new SqliteStore({ database: file })
    const base = Date.UTC(2026, 0, 15, 23, 59, 59)
    const records = [
      record({ date: base, path: '/a', exception: 'Error: boom', referrer: 'https://example.com/', route: '/a', instance: 'web-1', version: '1.2.0' }),
      record({ date: base + 999, path: '/café', user_agent: '', browser: null, platform: null, mimetype: null, bot: true }),
      record({ date: base + 1001, path: '/a', response_time: null as unknown as number, method: 'POST' }),
      record({ date: Date.UTC(1999, 11, 31, 0, 0, 0, 7), path: '/b ' }),
    ]
    await store.insertBatch(records)
    await store.close()

    const rows = query<Record<string, unknown>>(file, 'select * from request order by "index"')
    expect(rows).toEqual(
      records.map((r, i) => ({
        index: i + 1,
        ...r,
        date: toUtcText(r.date),
        bot: r.bot ? 1 : 0,
      })),
    )
    // Stored as integer milliseconds, and each text once however many rows repeat it.
    expect(query(file, 'select date from request_statgraph_row order by "index"')).toEqual(records.map((r) => ({ date: r.date })))
    expect(query(file, "select count(*) as n from request_statgraph_text where value = '/a'")).toEqual([{ n: 1 }])
  })

  it('takes rows inserted and deleted with plain SQL through the view, as Flask-Statgraph writes them', async () => {
    const file = newFile()
    const store = new SqliteStore({ database: file })
    await store.insertBatch([record({ path: '/kept' })])
    const db = new Database(file)
    db.prepare(
      `insert into request (response_time, date, method, size, status_code, path, user_agent, remote_address, exception, referrer, browser, platform, mimetype)
       values (3.5, '2026-01-15 10:00:00.123456', 'GET', 10, 404, '/flask', 'curl/8.0', '198.51.100.7', null, null, null, null, 'text/html')`,
    ).run()
    db.prepare("insert into request (date, method, path, status_code, size) values ('2026-01-15 11:00:00', 'GET', '/gone', 200, 0)").run()
    db.prepare("delete from request where path = '/gone'").run()
    db.close()

    expect(query(file, 'select "index", date, path, bot, route from request where path = \'/flask\'')).toEqual([
      { index: 2, date: '2026-01-15 10:00:00.123', path: '/flask', bot: 0, route: null },
    ])
    expect(query(file, 'select path from request order by "index"')).toEqual([{ path: '/kept' }, { path: '/flask' }])
    const stats = await store.statsFromRaw(statsQuery('start=2026-01-15&end=2026-01-15'))
    expect(stats.hits).toBe(2)
    expect(stats.paths.map((entry) => entry.key).sort()).toEqual(['/flask', '/kept'])
    await store.close()
  })

  it('never keeps an id of text a rolled-back batch added to the dictionary', async () => {
    const file = newFile()
    const store = new SqliteStore({ database: file })
    await store.insertBatch([record()])
    const failing = [record({ path: '/new', referrer: 'https://new.example/' }), record({ size: {} as unknown as number })]
    await expect(store.insertBatch(failing)).rejects.toThrow()
    // Another connection adds text meanwhile, and may take the id the rolled-back batch had used.
    const other = new Database(file)
    other.prepare("insert into request (date, method, path, status_code, size) values ('2026-01-15 12:00:00', 'GET', '/other', 200, 0)").run()
    other.close()
    await store.insertBatch([record({ path: '/new', referrer: 'https://new.example/' })])
    await store.close()
    expect(query(file, 'select path, referrer from request order by "index"')).toEqual([
      { path: '/', referrer: null },
      { path: '/other', referrer: null },
      { path: '/new', referrer: 'https://new.example/' },
    ])
  })

  it('keeps every row of a batch in order, several rows a statement or one, their texts new or known', async () => {
    const file = newFile()
    const store = new SqliteStore({ database: file })
    // 123 rows: full statements and a remainder; a text first seen mid-statement, then again.
    const base = Date.UTC(2026, 0, 15, 12)
    const records = Array.from({ length: 123 }, (_, i) =>
      record({ date: base + i, path: `/p${i % 40}`, referrer: i % 3 === 0 ? null : `https://r${i % 7}.example/`, size: i }),
    )
    await store.insertBatch(records)
    await store.insertBatch(records.slice(0, 60))
    await store.close()

    const rows = query<{ index: number; date: string; path: string; referrer: string | null; size: number }>(
      file,
      'select "index", date, path, referrer, size from request order by "index"',
    )
    expect(rows).toEqual(
      [...records, ...records.slice(0, 60)].map((r, i) => ({ index: i + 1, date: toUtcText(r.date), path: r.path, referrer: r.referrer, size: r.size })),
    )
    expect(query(file, 'select count(*) as n from request_statgraph_text where value like ?', '/p%')).toEqual([{ n: 40 }])
  })
})
