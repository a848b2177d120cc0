// statgraph in a NestJS app, on Nest's Express platform or its Fastify platform: the Express or
// Fastify adapter goes on the underlying instance before Nest adds its routes, and a global
// exception filter tells statgraph the errors Nest's own exception handling answers.
import 'reflect-metadata'
import { type ArgumentsHost, Catch, Controller, Get, HttpException, type INestApplication, Module, Param } from '@nestjs/common'
import { BaseExceptionFilter, NestFactory } from '@nestjs/core'
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify'
import type { NestExpressApplication } from '@nestjs/platform-express'
import { captureError, type StatgraphHandle } from 'statgraph'
import { statgraph as expressStatgraph } from 'statgraph/express'
import { statgraph as fastifyStatgraph } from 'statgraph/fastify'

@Controller()
class AppController {
  @Get()
  hello(): string {
    return 'Hello World!'
  }

  @Get('users/:id')
  user(@Param('id') id: string): { id: string } {
    return { id }
  }

  @Get('boom')
  boom(): never {
    throw new Error('division by zero')
  }
}

@Module({ controllers: [AppController] })
class AppModule {}

/**
 * Nest answers errors itself; this filter lets statgraph see the ones that are failures. Nest's
 * HTTP exceptions below 500 (its 404 for an unknown route, a 400 from a pipe) are answers, not
 * failures, and stay out of the exceptions table.
 */
@Catch()
class StatgraphExceptionFilter extends BaseExceptionFilter {
  override catch(error: unknown, host: ArgumentsHost): void {
    if (!(error instanceof HttpException) || error.getStatus() >= 500) captureError(host.switchToHttp().getRequest(), error)
    super.catch(error, host)
  }
}

/** A Nest app with statgraph on `database`, on the given platform; not yet listening. */
export async function createNestApp(platform: 'express' | 'fastify', database: string): Promise<{ app: INestApplication; stats: StatgraphHandle }> {
  if (platform === 'express') {
    const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: false })
    const stats = expressStatgraph(app.getHttpAdapter().getInstance(), { database })
    app.useGlobalFilters(new StatgraphExceptionFilter(app.getHttpAdapter()))
    return { app, stats }
  }
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false })
  await app.register(fastifyStatgraph, { database })
  app.useGlobalFilters(new StatgraphExceptionFilter(app.getHttpAdapter()))
  return { app, stats: app.getHttpAdapter().getInstance().statgraph }
}
