import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { HISTOGRAM_RELATIVE_ERROR, LatencyHistogram } from '../../../src/stats/sketch/latency-histogram.js'
import { percentileOf } from '../../helpers/expected-stats.js'

const time = fc.double({ min: 0.001, max: 600_000, noNaN: true })

describe('LatencyHistogram', () => {
  it('reads every percentile within its stated relative error of the exact nearest-rank value', () => {
    fc.assert(
      fc.property(fc.array(time, { minLength: 1, maxLength: 300 }), fc.integer({ min: 1, max: 100 }), (times, percent) => {
        const histogram = new LatencyHistogram()
        for (const ms of times) histogram.add(ms)
        const exact = percentileOf(times, percent) as number
        const read = histogram.percentile(percent) as number
        expect(Math.abs(read - exact)).toBeLessThanOrEqual(exact * HISTOGRAM_RELATIVE_ERROR * (1 + 1e-9))
      }),
    )
  })

  it('merges into the same histogram as adding every value to one, also through its text form', () => {
    fc.assert(
      fc.property(fc.array(fc.array(time, { maxLength: 50 }), { minLength: 1, maxLength: 6 }), (parts) => {
        const whole = new LatencyHistogram()
        const merged = new LatencyHistogram()
        for (const part of parts) {
          const histogram = new LatencyHistogram()
          for (const ms of part) {
            histogram.add(ms)
            whole.add(ms)
          }
          merged.merge(LatencyHistogram.decode(histogram.encode()))
        }
        expect(merged.encode()).toBe(whole.encode())
        expect(merged.total).toBe(parts.flat().length)
      }),
    )
  })

  it('reads 0 ms as 0, an empty histogram as null, and refuses unreadable text', () => {
    const histogram = new LatencyHistogram()
    expect(histogram.percentile(50)).toBeNull()
    histogram.add(0)
    histogram.add(0)
    histogram.add(5)
    expect(histogram.percentile(50)).toBe(0)
    expect(Math.abs((histogram.percentile(99) as number) - 5)).toBeLessThanOrEqual(5 * HISTOGRAM_RELATIVE_ERROR)
    expect(() => LatencyHistogram.decode('x:1,2')).toThrow(/unreadable/)
    expect(() => LatencyHistogram.decode('3:1,-2')).toThrow(/unreadable/)
    for (const text of ['3:1,,2', '3:1,2,', '3:,1', '3', '3:1.5', '3:1 2']) expect(() => LatencyHistogram.decode(text)).toThrow(/unreadable/)
    expect(LatencyHistogram.decode('-141:').total).toBe(0)
    expect(LatencyHistogram.decode('-141:0,12,3').total).toBe(15)
  })
})
