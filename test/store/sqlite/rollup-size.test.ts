import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../../../src/cli/demo/seeded-random.js'
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js'
import { compactTableNames } from '../../../src/store/sqlite/compact-rows.js'
import { record } from '../../helpers/records.js'
import { tempDir } from '../../helpers/temp-dir.js'

const dir = tempDir()

describe('SQLite rollups of a scanner', () => {
  it('cost at most half of what the raw rows do when 100,000 requests have distinct paths, referrers and user agents', async () => {
    const file = join(dir, 'scanner.db')
    const store = new SqliteStore({ database: file })
    const random = seededRandom(7)
    const token = () => Math.floor(random() * 2 ** 52).toString(36)
    const start = Date.UTC(2026, 0, 10)
    const requests = Array.from({ length: 100_000 }, (_, i) =>
      record({
        date: start + Math.floor((i / 100_000) * 6 * 3_600_000),
        path: `/${token()}/${token()}.php`,
        referrer: `https://${token()}.example/${token()}`,
        user_agent: `Mozilla/5.0 (${token()}) ${token()}`,
        remote_address: `198.51.${i % 200}.${i % 250}`,
        status_code: 404,
      }),
    )
    for (let i = 0; i < requests.length; i += 5000) await store.insertBatch(requests.slice(i, i + 5000))
    await store.sealDays(Date.UTC(2026, 0, 12))
    await store.close()

    const db = new Database(file, { readonly: true })
    const sizes = db.prepare(`select tbl_name as tbl, sum(pgsize) as bytes from dbstat join sqlite_schema using (name) group by tbl_name`).all() as {
      tbl: string
      bytes: number
    }[]
    db.close()
    // The raw rows: compact rows and their dictionary of text (see compactRows), with their indexes.
    const rawTables = Object.values(compactTableNames('request'))
    const total = (tables: typeof sizes) => tables.reduce((sum, size) => sum + size.bytes, 0)
    const raw = total(sizes.filter((size) => rawTables.includes(size.tbl)))
    const rollups = total(sizes.filter((size) => size.tbl.startsWith('request_statgraph_') && !rawTables.includes(size.tbl)))
    expect(raw).toBeGreaterThan(100_000 * 100)
    expect((raw + rollups) / raw).toBeLessThanOrEqual(1.5)
  }, 120_000)
})
