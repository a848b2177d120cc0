const express = require('express')
const { statgraph } = require('statgraph/express')

const app = express()
const stats = statgraph(app, {
  protect: (req, res, next) => (req.headers.authorization === `Bearer ${process.env.ADMIN_TOKEN}` ? next() : res.redirect('/login')),
  disable: (req) => req.headers.cookie?.includes('disable_stat=True') ?? false,
})
app.get('/', (req, res) => {
  res.send('Hello World!')
})
const server = app.listen(Number(process.env.PORT ?? 3000))
process.on('SIGTERM', () => server.close(() => stats.close()))
