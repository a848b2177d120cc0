// Koa hello world for bench/overhead.ts.
import Koa from 'koa'
import { statgraph } from 'statgraph/koa'
import { benchMode, reportTo } from './bench-server.js'

const { mode, database, metrics } = benchMode()
const app = new Koa()
const stats = database === undefined ? undefined : statgraph({ database, metrics })
if (stats !== undefined) app.use(stats)
if (mode === 'floor-middleware') app.use((_ctx, next) => next())
app.use((ctx) => {
  ctx.body = 'Hello World!'
})
reportTo(app.listen(0, '127.0.0.1'), stats)
