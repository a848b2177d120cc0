import express from 'express'
import knex from 'knex'
import { Kysely } from 'kysely'
import { KyselyKnexDialect, PGColdDialect } from 'kysely-knex'
import { statgraph } from 'statgraph/express'

// Knex's pool, through Kysely's Knex dialect: statgraph writes into the tables Knex's migrations made.
const db = knex({ client: 'pg', connection: process.env.DATABASE_URL })
const app = express()
const stats = statgraph(app, {
  database: new Kysely({ dialect: new KyselyKnexDialect({ knex: db, kyselySubDialect: new PGColdDialect() }) }),
  migrations: 'off',
})
app.get('/', (_req, res) => {
  res.send('Hello World!')
})
const server = app.listen(Number(process.env.PORT ?? 3000))
process.on('SIGTERM', () => server.close(() => stats.close().then(() => db.destroy())))
