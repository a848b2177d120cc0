import 'reflect-metadata'
import { type ArgumentsHost, Catch, Controller, Get, HttpException, Module } from '@nestjs/common'
import { BaseExceptionFilter, NestFactory } from '@nestjs/core'
import type { NestExpressApplication } from '@nestjs/platform-express'
import { captureError } from 'statgraph'
import { statgraph } from 'statgraph/express'

@Controller()
class AppController {
  @Get()
  hello(): string {
    return 'Hello World!'
  }
}

@Module({ controllers: [AppController] })
class AppModule {}

// Nest answers errors itself: let statgraph see the failures among them.
@Catch()
class StatgraphExceptionFilter extends BaseExceptionFilter {
  override catch(error: unknown, host: ArgumentsHost): void {
    if (!(error instanceof HttpException) || error.getStatus() >= 500) captureError(host.switchToHttp().getRequest(), error)
    super.catch(error, host)
  }
}

const app = await NestFactory.create<NestExpressApplication>(AppModule)
// On Nest's Express instance, before Nest adds its routes. (Fastify platform: app.register(statgraph) from statgraph/fastify.)
const stats = statgraph(app.getHttpAdapter().getInstance(), {
  protect: (req, res, next) => (req.headers.authorization === `Bearer ${process.env.ADMIN_TOKEN}` ? next() : res.redirect('/login')),
})
app.useGlobalFilters(new StatgraphExceptionFilter(app.getHttpAdapter()))
await app.listen(Number(process.env.PORT ?? 3000))
process.on('SIGTERM', () => app.close().then(() => stats.close()))
