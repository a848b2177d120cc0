import Database from 'better-sqlite3'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'

/**
 * Fills the SQLite table `request` of `file` with `count` raw rows spread evenly over the `days`
 * before `end` (ms), in one SQL statement (a recursive count, no JavaScript per row): varied
 * statuses, methods, paths and clients; with `quoted`, every path, referrer and user agent as long
 * as the recorder keeps them and full of double quotes. Rollups are not built: the reads these
 * tables serve come from raw rows.
 */
export async function fillRequests(file: string, count: number, options: { end: number; days: number; quoted?: boolean }): Promise<void> {
  const store = new SqliteStore({ database: file })
  await store.migrate()
  await store.close()
  const db = new Database(file)
  try {
    const quotes = (length: number) => `'${'"'.repeat(length)}'`
    const [path, referrer, agent] = options.quoted
      ? [`'/' || ${quotes(2047)}`, quotes(2048), quotes(512)]
      : [`'/page/' || (i % 500)`, `case when i % 3 = 0 then 'https://example.com/' || (i % 50) end`, `'Mozilla/5.0 agent ' || (i % 40)`]
    const startSeconds = (options.end - options.days * 86_400_000) / 1000
    const step = (options.days * 86_400) / count
    db.prepare(
      `with recursive n(i) as (select 0 union all select i + 1 from n where i + 1 < ?)
      insert into request (response_time, date, method, size, status_code, path, user_agent, remote_address, exception, referrer, browser, platform, mimetype, bot, route)
      select 5 + (i % 97), strftime('%Y-%m-%d %H:%M:%f', ? + i * ?, 'unixepoch'), case when i % 5 = 0 then 'POST' else 'GET' end, 100 + (i % 1000),
        case when i % 11 = 0 then 500 when i % 7 = 0 then 404 else 200 end, ${path}, ${agent}, '10.0.' || (i % 200) || '.' || (i % 250),
        case when i % 11 = 0 then 'Error: boom' end, ${referrer}, 'firefox 120.0', 'linux', 'text/html', 0, null
      from n`,
    ).run(count, startSeconds, step)
  } finally {
    db.close()
  }
}
