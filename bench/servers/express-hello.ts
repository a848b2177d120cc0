// Express hello world for bench/overhead.ts.
import express from 'express'
import { statgraph } from 'statgraph/express'
import { benchMode, reportTo } from './bench-server.js'

const { database } = benchMode()
const app = express()
if (database !== undefined) statgraph(app, { database })
app.get('/', (_req, res) => {
  res.send('Hello World!')
})
reportTo(app.listen(0, '127.0.0.1'))
