import 'reflect-metadata'
import { join } from 'node:path'
import { Controller, Get, Inject, Injectable, type INestApplication, Module, NotFoundException, ServiceUnavailableException } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { FastifyAdapter } from '@nestjs/platform-fastify'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { STATGRAPH, StatgraphModule } from '../../src/adapters/nest.js'
import type { StatgraphHandle } from '../../src/core/statgraph.js'
import type { StatgraphError } from '../../src/errors/statgraph-error.js'
import { tempDir } from '../helpers/temp-dir.js'

// What the conformance suite does not ask of other adapters: the module's own parts. Its requests
// and dashboard run there, on both platforms (apps/nest-app.ts).

const dir = tempDir()
let fileNumber = 0
const apps: INestApplication[] = []
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()))
})

@Injectable()
class Settings {
  readonly database = join(dir, `nest-${++fileNumber}.db`)
}

@Module({ providers: [Settings], exports: [Settings] })
class SettingsModule {}

@Controller()
class ItemsController {
  constructor(@Inject(STATGRAPH) private readonly stats: StatgraphHandle) {}

  @Get('missing')
  missing(): never {
    throw new NotFoundException('no such item')
  }

  @Get('down')
  down(): never {
    throw new ServiceUnavailableException('the backend is down')
  }

  @Get('written')
  written(): number {
    return this.stats.counts().written
  }
}

function rowsOf(file: string): { path: string; status_code: number; exception: string | null }[] {
  const db = new Database(file, { readonly: true })
  try {
    return db.prepare('select path, status_code, exception from request order by "index"').all() as never
  } finally {
    db.close()
  }
}

const PLATFORMS = [
  ['Express', () => undefined],
  ['Fastify', () => new FastifyAdapter()],
] as const

describe.each(PLATFORMS)('StatgraphModule on Nest’s %s platform', (_name, platform) => {
  async function start() {
    // Options from a service of another module, as a config module gives them.
    @Module({
      imports: [
        StatgraphModule.forRootAsync({
          imports: [SettingsModule],
          inject: [Settings],
          useFactory: (settings: Settings) => ({ database: settings.database, recorder: { flushInterval: 60_000 } }),
        }),
      ],
      controllers: [ItemsController],
    })
    class AppModule {}
    const adapter = platform()
    const app = adapter === undefined ? await NestFactory.create(AppModule, { logger: false }) : await NestFactory.create(AppModule, adapter, { logger: false })
    apps.push(app)
    await app.listen(0, '127.0.0.1')
    return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1'), file: app.get(Settings).database }
  }

  it('takes options from an injected service, gives the handle to injection, and app.close() writes what is buffered', async () => {
    const { app, url, file } = await start()
    expect(await (await fetch(`${url}/written`)).json()).toBe(0)
    expect(app.get<StatgraphHandle>(STATGRAPH).counts().buffered).toBe(1)
    apps.splice(apps.indexOf(app), 1)
    await app.close()
    expect(rowsOf(file).map((row) => row.path)).toEqual(['/written'])
  })

  it('notes 5xx exceptions Nest answers, and not the HTTP exceptions below 500', async () => {
    const { app, url, file } = await start()
    expect((await fetch(`${url}/missing`)).status).toBe(404)
    expect((await fetch(`${url}/down`)).status).toBe(503)
    await app.get<StatgraphHandle>(STATGRAPH).flush()
    expect(rowsOf(file).map((row) => [row.path, row.status_code, row.exception])).toEqual([
      ['/missing', 404, null],
      ['/down', 503, 'ServiceUnavailableException: the backend is down'],
    ])
  })
})

describe('StatgraphModule without an HTTP platform', () => {
  it('refuses an application context with a code and a message naming what it needs', async () => {
    @Module({ imports: [StatgraphModule.forRoot({ database: join(dir, 'context.db') })] })
    class ContextModule {}
    const error = await NestFactory.createApplicationContext(ContextModule, { logger: false, abortOnError: false }).catch((caught: unknown) => caught)
    expect(error).toMatchObject({ code: 'STATGRAPH_INVALID_APP' } satisfies Partial<StatgraphError>)
    expect((error as Error).message).toContain("needs Nest's Express or Fastify platform")
  })
})
