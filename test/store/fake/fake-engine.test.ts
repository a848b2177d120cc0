import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerEngine } from '../../../src/store/open-store.js'
import { startApp, type RunningApp } from '../../helpers/express-app.js'
import { tempDir } from '../../helpers/temp-dir.js'
import { fakeEngine } from './fake-engine.js'

const dir = tempDir()

describe('an engine added by registering it, and nothing else', () => {
  let app: RunningApp
  beforeAll(async () => {
    registerEngine(fakeEngine)
    app = await startApp(express, dir, { database: 'fake://shop' })
  })
  afterAll(async () => {
    await app?.close()
  })

  it('records an app’s requests and answers its dashboard', async () => {
    for (let i = 0; i < 3; i++) expect((await fetch(`${app.url}/hit/${i}`)).status).toBeLessThan(500)
    await app.stats.flush()
    const stats = (await (await fetch(`${app.url}/statistics/api/stats`)).json()) as { hits: number; paths: { key: string }[] }
    expect(stats.hits).toBe(3)
    expect(stats.paths.map((path) => path.key).sort()).toEqual(['/hit/0', '/hit/1', '/hit/2'])
    expect(fakeEngine.opened).toEqual(['shop'])
  })
})
