import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { type RunningApp, startApp } from '../helpers/express-app.js'
import { tempDir } from '../helpers/temp-dir.js'

// Through a real app and the writer thread: what reaches the database is what the options promise.
const dir = tempDir()
const apps: RunningApp[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()))
})

async function app(options: Parameters<typeof startApp>[2]) {
  const running = await startApp(express, dir, { trustProxy: true, ...options }, (app) => {
    app.get('*splat', (_req, res) => {
      res.send('ok')
    })
  })
  apps.push(running)
  return running
}

const visit = (app: RunningApp, path: string, address: string, agent = 'Firefox') =>
  fetch(`${app.url}${path}`, { headers: { 'x-forwarded-for': address, 'user-agent': agent } }).then((response) => response.text())

describe('privacy options', () => {
  it('anonymizeIp keeps no full address', async () => {
    const running = await app({ anonymizeIp: true })
    await visit(running, '/', '203.0.113.77')
    await visit(running, '/', '2001:db8:85a3:8d3:1319:8a2e:370:7348')
    await running.stats.flush()
    expect(running.rows().map((row) => row.remote_address)).toEqual(['203.0.113.0', '2001:db8:85a3::'])
  })

  it('storeIp: false keeps no address, yet counts each visitor of the day once', async () => {
    const running = await app({ storeIp: false })
    for (const [address, agent] of [
      ['203.0.113.1', 'Firefox'],
      ['203.0.113.1', 'Firefox'],
      ['203.0.113.1', 'Chrome'],
      ['203.0.113.2', 'Firefox'],
    ]) {
      await visit(running, '/', address as string, agent)
    }
    await running.stats.flush()
    const addresses = running.rows().map((row) => String(row.remote_address))
    expect(addresses.every((address) => /^[0-9a-f]{32}$/.test(address))).toBe(true)
    expect(addresses.join()).not.toContain('203.0.113')
    const stats = (await (await fetch(`${running.url}/statistics/api/stats`)).json()) as { hits: number; uniqueHits: number }
    expect(stats).toMatchObject({ hits: 4, uniqueHits: 3 })
  })

  it('ignore leaves health checks and static files out; query strings are never stored', async () => {
    const running = await app({ ignore: ['/health', '/static/*', /\.map$/] })
    for (const path of ['/health', '/static/app.js', '/app.js.map', '/page?token=secret&email=a@b.c', '/healthz']) await visit(running, path, '203.0.113.1')
    await running.stats.flush()
    expect(running.rows().map((row) => row.path)).toEqual(['/page', '/healthz'])
    expect(JSON.stringify(running.rows())).not.toContain('secret')
  })
})
