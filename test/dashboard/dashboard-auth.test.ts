import { createServer, request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { statgraph } from '../../src/adapters/node.js'
import type { DashboardAuth } from '../../src/dashboard/dashboard-auth.js'
import { listen } from '../adapters/apps/listen.js'

const closers: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

/** The status of a dashboard request over real HTTP whose Authorization header is `authorization`'s UTF-8 bytes. */
async function statusWith(auth: DashboardAuth, authorization: string): Promise<number> {
  const listener = statgraph((_req, res) => res.end(), { database: ':memory:', auth })
  const server = await listen(createServer(listener))
  closers.push(server.close, () => listener.close())
  const { port } = new URL(server.url)
  return new Promise((resolve, reject) => {
    // Node writes a header string one byte per character: the UTF-8 bytes, as a client sends them.
    const headers = { authorization: Buffer.from(authorization, 'utf8').toString('latin1') }
    request({ host: '127.0.0.1', port, path: '/statistics/api/health', headers }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
      .on('error', reject)
      .end()
  })
}

describe('the built-in auth', () => {
  it('compares credentials as UTF-8 bytes: a token or password beyond Latin-1 logs in, and only it', async () => {
    expect(await statusWith({ token: '€uro-k3y' }, 'Bearer €uro-k3y')).toBe(200)
    expect(await statusWith({ token: '€uro-k3y' }, 'Bearer ¤uro-k3y')).toBe(401)
    const basic = (text: string) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`
    expect(await statusWith({ username: 'zoë', password: 'pässwörd€' }, basic('zoë:pässwörd€'))).toBe(200)
    expect(await statusWith({ username: 'zoë', password: 'pässwörd€' }, basic('zoe:pässwörd€'))).toBe(401)
  })
})
