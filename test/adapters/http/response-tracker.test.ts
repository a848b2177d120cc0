import { createServer, type OutgoingHttpHeader, type OutgoingHttpHeaders, type ServerResponse } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ResponseTracker } from '../../../src/adapters/http/response-tracker.js'
import type { RequestFacts } from '../../../src/record/request-record.js'
import { listen } from '../apps/listen.js'

/** Each path answers with `res.writeHead` called one way, or with headers set before it. */
const ANSWERS: Record<string, (res: ServerResponse) => void> = {
  '/lower': (res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }),
  '/capitalized': (res) => res.writeHead(200, { 'Content-Type': 'application/json' }),
  '/shouting': (res) => res.writeHead(200, { 'CONTENT-TYPE': 'text/csv' }),
  '/reason': (res) => res.writeHead(200, 'Fine', { 'content-type': 'image/png' }),
  '/flat': (res) => res.writeHead(200, ['x-one', '1', 'Content-Type', 'text/css'] as unknown as OutgoingHttpHeader[]),
  '/pairs': (res) =>
    res.writeHead(200, [
      ['x-one', '1'],
      ['content-type', 'font/woff2'],
    ] as unknown as OutgoingHttpHeaders),
  '/set-then-head': (res) => {
    res.setHeader('content-type', 'text/plain')
    res.writeHead(200, { 'x-one': '1' })
  },
  '/merged': (res) => {
    res.setHeader('x-one', '1')
    res.writeHead(200, { 'content-type': 'application/xml' })
  },
  '/none': (res) => res.writeHead(302, { location: '/' }),
  '/implicit': (res) => res.setHeader('content-type', 'text/javascript'),
}

describe('ResponseTracker', () => {
  const recorded: RequestFacts[] = []
  let server: Awaited<ReturnType<typeof listen>>

  beforeAll(async () => {
    server = await listen(
      createServer((req, res) => {
        new ResponseTracker(req, res, (facts) => recorded.push({ ...facts }))
        ANSWERS[req.url ?? '']?.(res)
        res.end('body')
      }),
    )
  })
  afterAll(() => server.close())

  it('reads the Content-Type however the response gave it', async () => {
    for (const path of Object.keys(ANSWERS)) {
      const response = await fetch(`${server.url}${path}`, { redirect: 'manual' })
      await response.arrayBuffer()
    }
    await expect.poll(() => recorded.length).toBe(Object.keys(ANSWERS).length)
    expect(Object.fromEntries(recorded.map((facts) => [facts.url, facts.contentType]))).toEqual({
      '/lower': 'text/html; charset=utf-8',
      '/capitalized': 'application/json',
      '/shouting': 'text/csv',
      '/reason': 'image/png',
      '/flat': 'text/css',
      '/pairs': 'font/woff2',
      '/set-then-head': 'text/plain',
      '/merged': 'application/xml',
      '/none': undefined,
      '/implicit': 'text/javascript',
    })
    expect(recorded.map((facts) => facts.size)).toEqual(recorded.map(() => 4))
  })
})
