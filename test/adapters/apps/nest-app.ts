import 'reflect-metadata'
import { Readable } from 'node:stream'
import { Body, Controller, type DynamicModule, Get, Header, type INestApplication, Module, Param, Post, StreamableFile } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import type { NestExpressApplication } from '@nestjs/platform-express'
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify'
import type { FastifyRequest } from 'fastify'
import { STATGRAPH, StatgraphModule } from '../../../src/adapters/nest.js'
import type { StatgraphHandle } from '../../../src/core/statgraph.js'
import { type AppOptions, type AppSetup, isDisabledCookie, LARGE_SIZE, slowly, STREAM_CHUNKS } from './app-setup.js'
import { expressProtect } from './express-app.js'
import { fastifyProtect } from './fastify-app.js'

@Controller()
class ConformanceController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  hello(): string {
    return 'Hello World!'
  }

  @Post('items')
  items(@Body() body: unknown): { received: unknown } {
    return { received: body }
  }

  @Get('boom')
  boom(): never {
    throw new Error('division by zero')
  }

  @Get('async-boom')
  async asyncBoom(): Promise<never> {
    await Promise.resolve()
    throw new TypeError('lookup failed')
  }

  @Get('stream')
  stream(): StreamableFile {
    const chunks = (async function* () {
      for (const [i, chunk] of STREAM_CHUNKS.entries()) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, 10))
        yield Buffer.from(chunk)
      }
    })()
    return new StreamableFile(Readable.from(chunks), { type: 'text/plain; charset=utf-8' })
  }

  @Get('slow')
  @Header('content-type', 'text/plain')
  async slow(): Promise<string> {
    await slowly()
    return 'done'
  }

  @Get('large')
  large(): StreamableFile {
    return new StreamableFile(Buffer.alloc(LARGE_SIZE, 120), { type: 'application/octet-stream' })
  }

  @Get('users/:id')
  user(@Param('id') id: string): { id: string } {
    return { id }
  }
}

/** The app's root module, with statgraph's as given. */
function appModule(statgraph: DynamicModule) {
  @Module({ imports: [statgraph], controllers: [ConformanceController] })
  class AppModule {}
  return AppModule
}

/** The options both platforms share; `protect` and `disable` are each platform's. */
function shared(options: AppOptions) {
  return { database: options.database, trustProxy: options.trustProxy, ignore: options.ignore, auth: options.auth }
}

async function listen(app: INestApplication) {
  await app.listen(0, '127.0.0.1')
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1')
  // The module's shutdown hook closes statgraph.
  return { url, stats: app.get<StatgraphHandle>(STATGRAPH), close: () => app.close() }
}

export const nestExpressSetup: AppSetup = {
  name: 'NestJS express',
  knowsRoutes: true,
  frameworkProxy: true,
  async start(options: AppOptions) {
    const statgraph = StatgraphModule.forRoot({
      ...shared(options),
      protect: options.protect && expressProtect[options.protect],
      disable: options.disable ? (req) => isDisabledCookie(req.headers.cookie) : undefined,
    })
    const app = await NestFactory.create<NestExpressApplication>(appModule(statgraph), { logger: false })
    if (options.frameworkProxy) app.set('trust proxy', 1)
    return listen(app)
  },
}

export const nestFastifySetup: AppSetup = {
  name: 'NestJS fastify',
  knowsRoutes: true,
  frameworkProxy: true,
  async start(options: AppOptions) {
    // Options from a factory, as apps that read them from a config service do.
    const statgraph = StatgraphModule.forRootAsync({
      useFactory: async () => ({
        ...shared(options),
        protect: options.protect && fastifyProtect[options.protect],
        disable: options.disable ? (request: FastifyRequest) => isDisabledCookie(request.headers.cookie) : undefined,
      }),
    })
    const adapter = new FastifyAdapter(options.frameworkProxy ? { trustProxy: 1 } : {})
    return listen(await NestFactory.create<NestFastifyApplication>(appModule(statgraph), adapter, { logger: false }))
  },
}
