import { describe, expect, it } from 'vitest'
import {
  BLOCK_GRAINS,
  planRollupRead,
  withBlocks,
  withoutCompactedHours,
  withSealedDays,
  withSealedHours,
  withWholeDays,
} from '../../../src/stats/rollup/rollup-plan.js'

const HOUR = 3_600_000
/** Jan 27, 2026, 00:00 UTC, in hours: day 20,480 since the epoch, where blocks of every length start. */
const BASE = 20_480 * 24

/** Every block inside [from, to) (hours), as `grain:start`. */
function blocksIn(from: number, to: number): Set<string> {
  const blocks = new Set<string>()
  for (const grain of BLOCK_GRAINS) for (let start = Math.ceil(from / grain) * grain; start + grain <= to; start += grain) blocks.add(`${grain}:${start}`)
  return blocks
}

describe('withBlocks', () => {
  it('reads whole days from the fewest blocks, largest first, and the edges as before', () => {
    // Jan 25 00:00 to Feb 26 12:30: 32 whole days, then hours, then raw minutes.
    const plan = planRollupRead((BASE - 48) * HOUR, (BASE + 30 * 24 + 12.5) * HOUR, 'day')
    const sealed = withSealedDays(plan, new Set(Array.from({ length: 32 }, (_, i) => BASE - 48 + 24 * i)))
    const summed = withBlocks(sealed, blocksIn(BASE - 48, BASE + 30 * 24))
    expect(summed.blocks).toEqual([
      [48, BASE - 48],
      [384, BASE],
      [192, BASE + 384],
      [96, BASE + 576],
      [48, BASE + 672],
    ])
    expect(summed.days).toEqual([])
    expect(summed.hours).toEqual([[BASE + 720, BASE + 732]])
    expect(summed.raw).toEqual([[(BASE + 732) * HOUR, (BASE + 732.5) * HOUR]])
  })

  it('reads around a block that is not usable, and a day that is not sealed from its hours', () => {
    const plan = planRollupRead(BASE * HOUR, (BASE + 16 * 24) * HOUR, 'day')
    // Day 3 is not sealed; the 16-day block is not usable (a request came late, say).
    const sealedDays = new Set(Array.from({ length: 16 }, (_, i) => BASE + 24 * i).filter((day) => day !== BASE + 72))
    const usable = blocksIn(BASE, BASE + 16 * 24)
    usable.delete(`384:${BASE}`)
    const summed = withBlocks(withSealedDays(plan, sealedDays), usable)
    expect(summed.blocks).toEqual([
      [48, BASE],
      [96, BASE + 96],
      [192, BASE + 192],
    ])
    expect(summed.days).toEqual([[BASE + 48, BASE + 72]])
    expect(summed.hours).toEqual([[BASE + 72, BASE + 96]])
  })

  it('reads days alone where no block is usable', () => {
    const plan = planRollupRead(BASE * HOUR, (BASE + 4 * 24) * HOUR, 'day')
    const summed = withBlocks(withSealedDays(plan, new Set([BASE, BASE + 24, BASE + 48, BASE + 72])), new Set())
    expect(summed).toEqual({ blocks: [], days: [[BASE, BASE + 96]], hours: [], raw: [] })
  })
})

describe('withSealedHours', () => {
  it('sums the whole sealed days inside hourly points from their daily cells, and the rest from hours', () => {
    // 10:00 on Jan 26 to 06:30 on Jan 29, in hourly points: Jan 27 and 28 whole, Jan 28 not sealed.
    const plan = planRollupRead((BASE - 14) * HOUR, (BASE + 54.5) * HOUR, 'hour')
    expect(plan.hours).toEqual([[BASE - 14, BASE + 54]])
    const summed = withSealedHours(plan, new Set([BASE - 24, BASE, BASE + 48]))
    // Jan 26 is sealed but only in part; Jan 29 sealed but only its first hours are in the range.
    expect(summed.days).toEqual([[BASE, BASE + 24]])
    expect(summed.hours).toEqual([
      [BASE - 14, BASE],
      [BASE + 24, BASE + 54],
    ])
    expect(summed.raw).toEqual(plan.raw)
  })

  it('leaves a plan with no whole sealed day as it was', () => {
    const plan = planRollupRead((BASE + 3) * HOUR, (BASE + 20) * HOUR, 'hour')
    expect(withSealedHours(plan, new Set([BASE]))).toEqual(plan)
  })
})

describe('withoutCompactedHours', () => {
  it("takes out the hours of compacted days, cut at midnight, and leaves the others' hours, days and raw parts", () => {
    // 10:00 on Jan 26 to 06:30 on Jan 28 in hourly points; Jan 26 and 27 compacted, Jan 28 not.
    const plan = planRollupRead((BASE - 14) * HOUR, (BASE + 30.5) * HOUR, 'hour')
    const { plan: rest, compacted } = withoutCompactedHours(plan, new Set([BASE - 24, BASE]))
    expect(compacted).toEqual([[BASE - 14, BASE + 24]])
    expect(rest.hours).toEqual([[BASE + 24, BASE + 30]])
    expect(rest.raw).toEqual(plan.raw)
  })
})

describe('withWholeDays', () => {
  it('reads the given days whole from their hours, in place of their hours and raw parts', () => {
    // 10:20 on Jan 26 to 06:30 on Jan 28: raw parts at both ends.
    const plan = planRollupRead((BASE - 14 + 1 / 3) * HOUR, (BASE + 30.5) * HOUR, 'hour')
    const widened = withWholeDays(plan, new Set([BASE - 24]))
    expect(widened.hours).toEqual([[BASE - 24, BASE + 30]])
    expect(widened.raw).toEqual([[(BASE + 30) * HOUR, (BASE + 30.5) * HOUR]])
  })
})
