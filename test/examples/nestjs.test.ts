import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { createNestApp } from '../../examples/nestjs/app.js'
import { tempDir } from '../helpers/temp-dir.js'

const dir = tempDir()

describe.each(['express', 'fastify'] as const)('NestJS on its %s platform', (platform) => {
  it('records through the adapter underneath, routes and errors included', async () => {
    const file = join(dir, `nest-${platform}.db`)
    const { app, stats } = await createNestApp(platform, file)
    await app.listen(0, '127.0.0.1')
    const url = await app.getUrl()
    try {
      expect(await (await fetch(`${url}/`)).text()).toBe('Hello World!')
      expect(await (await fetch(`${url}/users/7`)).json()).toEqual({ id: '7' })
      const boom = await fetch(`${url}/boom`)
      expect(boom.status).toBe(500)
      expect(await boom.json()).toEqual({ statusCode: 500, message: 'Internal server error' })
      expect((await fetch(`${url}/nowhere`)).status).toBe(404)
      const api = await fetch(`${url}/statistics/api/stats`)
      expect(api.status).toBe(200)
      await stats.flush()
    } finally {
      await app.close()
      await stats.close().catch(() => {})
    }
    const db = new Database(file, { readonly: true })
    const rows = db.prepare('select method, path, route, status_code, exception from request order by "index"').all()
    db.close()
    expect(rows).toEqual([
      { method: 'GET', path: '/', route: '/', status_code: 200, exception: null },
      { method: 'GET', path: '/users/7', route: '/users/:id', status_code: 200, exception: null },
      { method: 'GET', path: '/boom', route: '/boom', status_code: 500, exception: 'Error: division by zero' },
      { method: 'GET', path: '/nowhere', route: null, status_code: 404, exception: null },
    ])
  })
})
