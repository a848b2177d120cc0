import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import express5 from 'express'
import { type ExpressStatgraphOptions, statgraph } from '../../src/adapters/express.js'
import type { StatgraphHandle } from '../../src/core/statgraph.js'

const require = createRequire(import.meta.url)
/** Express 4, installed beside Express 5 under the alias `express4`. */
const express4 = require('express4') as typeof express5

export const EXPRESS_VERSIONS = [
  ['Express 4', express4],
  ['Express 5', express5],
] as const

export type ExpressModule = typeof express5
export type App = ReturnType<typeof express5>

/** A running Express app with statgraph on a real SQLite file, over real HTTP. */
export interface RunningApp {
  url: string
  file: string
  stats: StatgraphHandle
  /** The rows in the file, read with a separate connection (after `stats.flush()`). */
  rows(): Record<string, unknown>[]
  close(): Promise<void>
}

let counter = 0

/** Starts `express()` with statgraph first, then the routes `setup` adds. */
export async function startApp(
  express: ExpressModule,
  dir: string,
  options: ExpressStatgraphOptions = {},
  setup: (app: App) => void = () => {},
  /** Runs on each request before the app does, as an instrumentation of `node:http` would. */
  before: (req: IncomingMessage, res: ServerResponse) => void = () => {},
): Promise<RunningApp> {
  const app = express()
  const file = join(dir, `app-${++counter}.db`)
  const stats = statgraph(app, { database: file, ...options })
  setup(app)
  const server = await new Promise<Server>((resolve) => {
    const listening = createServer((req, res) => {
      before(req, res)
      app(req, res)
    }).listen(0, '127.0.0.1', () => resolve(listening))
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    file,
    stats,
    rows() {
      const db = new Database(file, { readonly: true })
      try {
        return db.prepare('select * from request order by "index"').all() as Record<string, unknown>[]
      } finally {
        db.close()
      }
    },
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
      await stats.close()
    },
  }
}
