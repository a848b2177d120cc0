import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { resolveOptions } from '../../src/core/statgraph-options.js'
import { parseStatsQuery } from '../../src/stats/query/stats-query.js'
import { type RunningApp, startApp } from '../helpers/express-app.js'
import { record } from '../helpers/records.js'
import { tempDir } from '../helpers/temp-dir.js'
import { poll } from '../helpers/wait-for.js'

const dir = tempDir()
const apps: RunningApp[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()))
})

describe('retention', () => {
  it('deletes raw rows older than the retention in the background, and keeps the rest', async () => {
    const app = await startApp(express, dir, { retention: { raw: '1d', every: '1s' } })
    apps.push(app)
    const now = Date.now()
    await app.stats.store.insertBatch([
      record({ date: now - 3 * 86_400_000, path: '/old' }),
      record({ date: now - 25 * 3_600_000, path: '/old' }),
      record({ date: now - 23 * 3_600_000, path: '/recent' }),
      record({ date: now, path: '/recent' }),
    ])
    const rows = await poll(
      () => Promise.resolve(app.rows()),
      (found) => found.length === 2,
      'the old rows to be deleted',
      10_000,
    )
    expect(rows.map((row) => row.path)).toEqual(['/recent', '/recent'])
  })

  it('keeps showing history from rollups after raw rows are gone, and deletes rollups older than theirs', async () => {
    const app = await startApp(express, dir, { retention: { raw: '1d', rollups: '3d', every: '1s' } })
    apps.push(app)
    const now = Date.now()
    await app.stats.store.insertBatch([
      record({ date: now - 6 * 86_400_000, path: '/ancient' }),
      record({ date: now - 2 * 86_400_000, path: '/old' }),
      record({ date: now, path: '/recent' }),
    ])
    const week = parseStatsQuery(new URLSearchParams(), { defaultDateSpan: 7 })
    // The two prunes run apart, and either may be retried (a worker thread lost under load): wait for both.
    const stats = await poll(
      () => app.stats.store.stats(week),
      (found) => found.hits === 2 && app.rows().length === 1,
      'the ancient rollups and the old raw rows to be deleted',
      10_000,
    )
    expect(stats.paths.map((path) => path.key).sort()).toEqual(['/old', '/recent'])
    expect(app.rows().map((row) => row.path)).toEqual(['/recent'])
  })

  it('takes durations and refuses anything else with a message', () => {
    expect(resolveOptions({ retention: { raw: '30d' } }).retention).toEqual({ raw: 30 * 86_400_000, rollups: undefined, every: 3_600_000 })
    expect(resolveOptions({ retention: { rollups: '400d', every: '1d' } }).retention).toEqual({ raw: undefined, rollups: 400 * 86_400_000, every: 86_400_000 })
    expect(() => resolveOptions({ retention: {} })).toThrow('"retention" needs "raw" or "rollups"')
    expect(() => resolveOptions({ retention: { raw: '30d', rollups: '7d' } })).toThrow('"retention.rollups" must be at least "retention.raw"')
    expect(() => resolveOptions({ retention: { raw: 'forever' } })).toThrow('"retention.raw" must be a duration such as 90d')
    expect(() => resolveOptions({ retention: { raw: '30d', every: '0m' } })).toThrow('"retention.every" must be longer than 0')
  })
})
