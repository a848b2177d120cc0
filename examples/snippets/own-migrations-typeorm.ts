import express from 'express'
import { statgraph } from 'statgraph/express'
import { DataSource } from 'typeorm'
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js'

// Your entities, and statgraph's from `npx statgraph schema --for typeorm`, made by your migrations.
const dataSource = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, entities: [] })
await dataSource.initialize()
const app = express()
// The driver's pg pool: statgraph writes through it.
const stats = statgraph(app, { database: (dataSource.driver as PostgresDriver).master, migrations: 'off' })
app.get('/', (_req, res) => {
  res.send('Hello World!')
})
const server = app.listen(Number(process.env.PORT ?? 3000))
process.on('SIGTERM', () => server.close(() => stats.close().then(() => dataSource.destroy())))
