import { drizzle } from 'drizzle-orm/node-postgres'
import express from 'express'
import { statgraph } from 'statgraph/express'

// Drizzle's client: statgraph writes through its pool, into the tables Drizzle's migrations made.
const db = drizzle(process.env.DATABASE_URL as string)
const app = express()
const stats = statgraph(app, { database: db.$client, migrations: 'off' })
app.get('/', (_req, res) => {
  res.send('Hello World!')
})
const server = app.listen(Number(process.env.PORT ?? 3000))
process.on('SIGTERM', () => server.close(() => stats.close()))
