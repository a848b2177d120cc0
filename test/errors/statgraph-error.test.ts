import { describe, expect, it } from 'vitest'
import { statgraph as expressStatgraph } from '../../src/adapters/express.js'
import { statgraph as nodeStatgraph } from '../../src/adapters/node.js'
import { StatgraphError, type StatgraphErrorCode } from '../../src/errors/statgraph-error.js'
import { LatencyHistogram } from '../../src/stats/sketch/latency-histogram.js'
import { VisitorSketch } from '../../src/stats/sketch/visitor-sketch.js'
import { importDriver } from '../../src/store/import-driver.js'
import { withTimeout } from '../../src/store/kysely/with-timeout.js'
import { openStore } from '../../src/store/open-store.js'

/** The code of what `fail` throws or rejects with, if it is a StatgraphError. */
async function codeOf(fail: () => unknown): Promise<StatgraphErrorCode | string> {
  try {
    await fail()
  } catch (error) {
    return error instanceof StatgraphError ? error.code : `not a StatgraphError: ${String(error)}`
  }
  return 'no error'
}

describe('StatgraphError', () => {
  it.each<[StatgraphErrorCode, () => unknown]>([
    ['STATGRAPH_INVALID_APP', () => expressStatgraph({} as never)],
    ['STATGRAPH_INVALID_APP', () => nodeStatgraph(42 as never)],
    ['STATGRAPH_INVALID_OPTION', () => openStore('', { table: 'request' })],
    ['STATGRAPH_INVALID_OPTION', () => openStore({} as never, { table: 'request' })],
    ['STATGRAPH_DRIVER_MISSING', () => importDriver('statgraph-no-such-driver', 'install it')],
    ['STATGRAPH_CORRUPT_ROLLUP', () => VisitorSketch.decode('not a sketch!')],
    ['STATGRAPH_CORRUPT_ROLLUP', () => LatencyHistogram.decode('not a histogram')],
    ['STATGRAPH_DATABASE_TIMEOUT', () => withTimeout(new Promise(() => {}), 5, 'a test query')],
  ])('carries %s', async (code, fail) => {
    expect(await codeOf(fail)).toBe(code)
  })

  it('is an Error with its name, its message for people, and the cause it wraps', async () => {
    const error: unknown = await importDriver('statgraph-no-such-driver', 'install statgraph-no-such-driver').catch((caught: unknown) => caught)
    if (!(error instanceof StatgraphError)) throw new Error(`expected a StatgraphError, got ${String(error)}`)
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('StatgraphError')
    expect(error.message).toMatch(/^statgraph: install statgraph-no-such-driver/)
    expect(error.cause).toBeInstanceOf(Error)
  })
})
