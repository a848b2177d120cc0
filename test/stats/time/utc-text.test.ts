import { describe, expect, it } from 'vitest'
import { fromUtcText, toUtcText } from '../../../src/stats/time/utc-text.js'

const viaIso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 23)

describe('toUtcText', () => {
  it('writes what the ISO text says, for instants in and out of order, fractional and before 1970', () => {
    const instants = [
      0, 1, 999, 1000, 1001.9, -1, -999, -1000, -1001, 1_764_152_000_123, 1_764_152_000_045, 1_764_152_000_007, 1_764_152_001_000, 1_764_152_000_999.5,
    ]
    for (let i = 0; i < 2000; i++) instants.push(1_764_152_000_000 + Math.floor(i * 997.3), -86_400_000 * 3 + i * 13.7)
    for (const ms of instants) expect(toUtcText(ms), String(ms)).toBe(viaIso(ms))
  })

  it('reads back what it wrote', () => {
    expect(fromUtcText(toUtcText(1_764_152_000_123))).toBe(1_764_152_000_123)
  })

  it('refuses an instant that is no date, as Date does', () => {
    expect(() => toUtcText(Number.NaN)).toThrow(RangeError)
  })
})
