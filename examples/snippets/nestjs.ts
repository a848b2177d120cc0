import 'reflect-metadata'
import { Controller, Get, Module } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { StatgraphModule } from 'statgraph/nest'

@Controller()
class AppController {
  @Get()
  hello(): string {
    return 'Hello World!'
  }
}

@Module({
  imports: [StatgraphModule.forRoot({ auth: { username: 'admin', password: process.env.ADMIN_PASSWORD } })],
  controllers: [AppController],
})
class AppModule {}

const app = await NestFactory.create(AppModule)
// On SIGTERM, Nest closes the app, and statgraph writes what it holds.
app.enableShutdownHooks()
await app.listen(Number(process.env.PORT ?? 3000))
