import express from 'express'
import type { ExpressStatgraphOptions } from '../../src/adapters/express.js'
import { type RunningApp, startApp } from './express-app.js'

/** A POST with a JSON body of a known length (its Content-Length). */
export const JSON_POST = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x'.repeat(300) }) }

/**
 * An Express app with statgraph (`options`) and three routes of three statuses — `GET /users/:id`
 * (200), `POST /items` (201), `GET /boom` (throws: 500) — and a 404 for anything else.
 */
export function startMetricsApp(dir: string, options: ExpressStatgraphOptions): Promise<RunningApp> {
  return startApp(express, dir, options, (app) => {
    app.get('/users/:id', (req, res) => {
      res.send(`user ${req.params.id}`)
    })
    app.post('/items', express.json(), (_req, res) => {
      res.status(201).json({ ok: true })
    })
    app.get('/boom', () => {
      throw new Error('boom')
    })
  })
}
