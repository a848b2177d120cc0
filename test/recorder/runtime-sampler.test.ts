import { afterEach, describe, expect, it } from 'vitest'
import { RuntimeSampler } from '../../src/recorder/runtime-sampler.js'
import type { Logger } from '../../src/log/logger.js'
import type { RuntimeSample } from '../../src/stats/runtime/runtime-sample.js'

const quiet: Logger = { error() {}, warn() {}, info() {} }
const samplers: RuntimeSampler[] = []
afterEach(() => {
  for (const sampler of samplers.splice(0)) sampler.stop()
})

function sampler(write: (samples: readonly RuntimeSample[]) => Promise<void> = async () => {}, every = 60_000, logger: Logger = quiet) {
  const made = new RuntimeSampler({ instance: 'here', every, write, logger })
  samplers.push(made)
  return made
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function block(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {}
}

describe('RuntimeSampler', () => {
  it('sees a 200 ms stall in the p99 of the loop delay, and not in a quiet second', async () => {
    const runtime = sampler()
    await pause(1000)
    const quietSecond = runtime.take()
    expect(quietSecond.loopP99).toBeLessThan(100)
    await pause(300)
    block(200)
    await pause(500)
    const stalled = runtime.take()
    expect(stalled.loopP99).toBeGreaterThanOrEqual(150)
    expect(stalled.loopP50).toBeLessThan(100)
    expect(stalled).toMatchObject({ instance: 'here', heapUsed: expect.any(Number), rss: expect.any(Number) })
    // A second of busy-waiting is about one core.
    expect(stalled.cpu).toBeGreaterThan(10)
  })

  it('keeps the samples a failed write did not take and sends them with the next, saying so once', async () => {
    const written: RuntimeSample[][] = []
    const warnings: string[] = []
    let fail = 2
    const write = async (samples: readonly RuntimeSample[]) => {
      if (fail-- > 0) throw new Error('database is down')
      written.push([...samples])
    }
    sampler(write, 1000, {
      ...quiet,
      warn: (message) => {
        warnings.push(message)
      },
    })
    await pause(3600)
    expect(written).toHaveLength(1)
    expect(written[0]).toHaveLength(3)
    const times = written[0]?.map((sample) => sample.at) ?? []
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(warnings).toEqual(['statgraph: writing runtime samples failed (Error: database is down); will retry'])
  })
})
