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

  it('keeps every column of statements that leave out the sparse ones their rows all lack', async () => {
    const file = newFile()
    const store = new SqliteStore({ database: file })
    // Rows 0–49 have none of exception, referrer, instance, version; 50–99 a version each and one
    // exception; 100–149 referrers and instances here and there; the 17 left go one a statement.
    const base = Date.UTC(2026, 0, 15, 12)
    const records = Array.from({ length: 167 }, (_, i) =>
      record({
        date: base + i,
        path: `/p${i % 9}`,
        exception: i === 75 || i === 160 ? `Error: ${i}` : null,
        referrer: i >= 100 && i % 4 === 0 ? `https://r${i % 3}.example/` : null,
        instance: (i >= 100 && i % 5 === 0) || i === 163 ? `web-${i % 2}` : null,
        version: (i >= 50 && i < 100) || i === 150 ? '2.0.0' : null,
      }),
    )
    await store.insertBatch(records)
    await store.close()

    const rows = query<Record<string, unknown>>(file, 'select * from request order by "index"')
    expect(rows).toEqual(records.map((r, i) => ({ index: i + 1, ...r, date: toUtcText(r.date), bot: r.bot ? 1 : 0 })))
  })
  it('forgets with the rows a prune deletes the texts only they used, and writers their ids', async () => {
    const file = newFile()
    const store = new SqliteStore({ database: file })
    const day = 86_400_000
    const now = Date.UTC(2026, 5, 1)
    const texts = () => query<{ value: string }>(file, 'select value from request_statgraph_text order by value').map((row) => row.value)
    await store.insertBatch([
      record({ date: now - 40 * day, path: '/old', user_agent: 'old-agent', referrer: 'https://old.example/?q=secret' }),
      record({ date: now - 40 * day, path: '/both', user_agent: 'shared-agent' }),
      record({ date: now - day, path: '/both', user_agent: 'shared-agent' }),
    ])
    // Another connection prunes: this store's remembered ids of the deleted texts must not be used.
    const other = new SqliteStore({ database: file })
    expect(await other.prune(now - 30 * day)).toBe(2)
    await other.close()
    expect(texts()).not.toContain('old-agent')
    expect(texts()).not.toContain('https://old.example/?q=secret')
    expect(texts()).not.toContain('/old')
    expect(texts()).toContain('/both')
    expect(texts()).toContain('shared-agent')

    // The same texts again, today and dated before the cutoff (an imported log): stored anew.
    await store.insertBatch([
      record({ date: now, path: '/old', user_agent: 'old-agent' }),
      record({ date: now - 50 * day, path: '/old', user_agent: 'old-agent', referrer: 'https://old.example/?q=secret' }),
    ])
    await store.close()
    expect(query(file, 'select path, user_agent, referrer from request order by "index"')).toEqual([
      { path: '/both', user_agent: 'shared-agent', referrer: null },
      { path: '/old', user_agent: 'old-agent', referrer: null },
      { path: '/old', user_agent: 'old-agent', referrer: 'https://old.example/?q=secret' },
    ])
  })

  it("notes each text's latest use through the view and the migration, for prunes", async () => {
    const file = newFile()
    const db = new Database(file)
    // A Flask-Statgraph table, migrated on open; then a row through the view.
    db.exec(`create table request ("index" integer primary key autoincrement, response_time real, date datetime, method varchar, size integer,
      status_code integer, path varchar, user_agent varchar, remote_address varchar, exception varchar, referrer varchar, browser varchar,
      platform varchar, mimetype varchar)`)
    db.prepare(
      "insert into request (date, method, path, status_code, size, user_agent) values ('2026-01-01 10:00:00.250', 'GET', '/a', 200, 0, 'flask-agent')",
    ).run()
    db.prepare(
      "insert into request (date, method, path, status_code, size, user_agent) values ('2026-03-01 10:00:00', 'GET', '/a', 200, 0, 'later-agent')",
    ).run()
    db.close()
    const store = new SqliteStore({ database: file })
    await store.migrate()
    const viewInsert = new Database(file)
    viewInsert.prepare("insert into request (date, method, path, status_code, size) values ('2026-04-01 00:00:00', 'GET', '/a', 200, 0)").run()
    viewInsert.close()
    const last = (value: string) => query<{ last: number }>(file, 'select last from request_statgraph_text where value = ?', value)[0]?.last
    expect(last('flask-agent')).toBe(Date.UTC(2026, 0, 1, 10, 0, 0, 250))
    expect(last('later-agent')).toBe(Date.UTC(2026, 2, 1, 10))
    expect(last('/a')).toBe(Date.UTC(2026, 3, 1))
    // Rows kept without an address count as no visitor, from rollups (built from the table's
    // rows by the migration) as from the raw rows.
    const range = statsQuery('start=2026-01-01&end=2026-03-31')
    const fromRollups = await store.stats(range)
    const fromRaw = await store.statsFromRaw(range)
    expect([fromRollups.hits, fromRollups.uniqueHits]).toEqual([2, 0])
    expect([fromRaw.hits, fromRaw.uniqueHits]).toEqual([2, 0])
    expect(fromRollups.routes).toEqual(fromRaw.routes)
    // A prune between the two Flask rows takes the first agent's text, and nothing else.
    expect(await store.prune(Date.UTC(2026, 1, 1))).toBe(1)
    await store.close()
    expect(last('flask-agent')).toBeUndefined()
    expect(query(file, 'select path, user_agent from request order by "index"')).toEqual([
      { path: '/a', user_agent: 'later-agent' },
      { path: '/a', user_agent: null },
    ])
  })
})
