const express = require('express')
const { statgraph } = require('statgraph/express')

const app = express()
const stats = statgraph(app, {
  auth: { username: 'admin', password: process.env.ADMIN_PASSWORD },
  disable: (req) => req.headers.cookie?.includes('disable_stat=True') ?? false,
})
app.get('/', (_req, res) => {
  res.send('Hello World!')
})
const server = app.listen(Number(process.env.PORT ?? 3000))
process.on('SIGTERM', () => server.close(() => stats.close()))
