import 'reflect-metadata'
import { Readable } from 'node:stream'
import {
  type ArgumentsHost,
  Body,
  Catch,
  Controller,
  Get,
  Header,
  HttpException,
  type INestApplication,
  Module,
  Param,
  Post,
  StreamableFile,
} from '@nestjs/common'
import { BaseExceptionFilter, NestFactory } from '@nestjs/core'
import type { NestExpressApplication } from '@nestjs/platform-express'
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify'
import { statgraph as expressStatgraph } from '../../../src/adapters/express.js'
import { statgraph as fastifyStatgraph } from '../../../src/adapters/fastify.js'
import { captureError } from '../../../src/adapters/http/capture-error.js'
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

@Module({ controllers: [ConformanceController] })
class ConformanceModule {}

@Catch()
class StatgraphExceptionFilter extends BaseExceptionFilter {
  override catch(error: unknown, host: ArgumentsHost): void {
    if (!(error instanceof HttpException) || error.getStatus() >= 500) captureError(host.switchToHttp().getRequest(), error)
    super.catch(error, host)
  }
}

async function listen(app: INestApplication, stats: StatgraphHandle) {
  app.useGlobalFilters(new StatgraphExceptionFilter(app.getHttpAdapter()))
  await app.listen(0, '127.0.0.1')
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1')
  return { url, stats, close: async () => (await app.close(), await stats.close().catch(() => undefined)) }
}

export const nestExpressSetup: AppSetup = {
  name: 'NestJS express',
  knowsRoutes: true,
  frameworkProxy: true,
  async start(options: AppOptions) {
    const app = await NestFactory.create<NestExpressApplication>(ConformanceModule, { logger: false })
    if (options.frameworkProxy) app.set('trust proxy', 1)
    const stats = expressStatgraph(app.getHttpAdapter().getInstance(), {
      database: options.database,
      trustProxy: options.trustProxy,
      ignore: options.ignore,
      protect: options.protect && expressProtect[options.protect],
      auth: options.auth,
      disable: options.disable ? (req) => isDisabledCookie(req.headers.cookie) : undefined,
    })
    return listen(app, stats)
  },
}

export const nestFastifySetup: AppSetup = {
  name: 'NestJS fastify',
  knowsRoutes: true,
  frameworkProxy: true,
  async start(options: AppOptions) {
    const app = await NestFactory.create<NestFastifyApplication>(ConformanceModule, new FastifyAdapter(options.frameworkProxy ? { trustProxy: 1 } : {}), { logger: false })
    await app.register(fastifyStatgraph, {
      database: options.database,
      trustProxy: options.trustProxy,
      ignore: options.ignore,
      protect: options.protect && fastifyProtect[options.protect],
      auth: options.auth,
      disable: options.disable ? (request) => isDisabledCookie(request.headers.cookie) : undefined,
    })
    return listen(app, app.getHttpAdapter().getInstance().statgraph)
  },
}
