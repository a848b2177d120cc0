import Router from '@koa/router'
import Koa from 'koa'
import { statgraph } from 'statgraph/koa'

const app = new Koa()
const stats = statgraph({ auth: { username: 'admin', password: process.env.ADMIN_PASSWORD } })
app.use(stats)
const router = new Router()
router.get('/', (ctx) => {
  ctx.body = 'Hello World!'
})
app.use(router.routes())
const server = app.listen(Number(process.env.PORT ?? 3000))
process.on('SIGTERM', () => server.close(() => stats.close()))
