import { describe, expect, it } from 'vitest'
import { planRollupRead, WEEK_HOURS, withSealedDays, withWeeks } from '../../src/stats/rollup-plan.js'

const HOUR = 3_600_000
/** Thursday, Jan 8, 2026: a week's first hour (weeks start where the epoch did). */
const WEEK = Date.UTC(2026, 0, 8) / HOUR

describe('withWeeks', () => {
  it('reads the usable whole weeks inside the days from weekly cells, and the rest from days', () => {
    // Jan 6 00:00 to Jan 27 12:30: days Jan 6–26, then hours, then raw minutes.
    const plan = planRollupRead(Date.UTC(2026, 0, 6), Date.UTC(2026, 0, 27, 12, 30), 'day')
    const sealed = withSealedDays(plan, new Set(Array.from({ length: 21 }, (_, i) => WEEK - 48 + 24 * i)))
    const summed = withWeeks(sealed, new Set([WEEK, WEEK + WEEK_HOURS, WEEK + 2 * WEEK_HOURS]))
    // The week of Jan 22 ends past the days read: it is not whole in the range.
    expect(summed.weeks).toEqual([[WEEK, WEEK + 2 * WEEK_HOURS]])
    expect(summed.days).toEqual([
      [WEEK - 48, WEEK],
      [WEEK + 2 * WEEK_HOURS, WEEK + 2 * WEEK_HOURS + 120],
    ])
    expect(summed.hours).toEqual(sealed.hours)
    expect(summed.raw).toEqual([[Date.UTC(2026, 0, 27, 12), Date.UTC(2026, 0, 27, 12, 30)]])
  })

  it('leaves a week that is not usable, or not wholly sealed, to its days and hours', () => {
    const plan = planRollupRead(Date.UTC(2026, 0, 8), Date.UTC(2026, 0, 22), 'day')
    // Jan 10 is not sealed: its hours are read, so the first week is not read whole though summed.
    const sealedDays = new Set(Array.from({ length: 14 }, (_, i) => WEEK + 24 * i).filter((day) => day !== WEEK + 48))
    const summed = withWeeks(withSealedDays(plan, sealedDays), new Set([WEEK, WEEK + WEEK_HOURS]))
    expect(summed.weeks).toEqual([[WEEK + WEEK_HOURS, WEEK + 2 * WEEK_HOURS]])
    expect(summed.days).toEqual([
      [WEEK, WEEK + 48],
      [WEEK + 72, WEEK + WEEK_HOURS],
    ])
    expect(summed.hours).toEqual([[WEEK + 48, WEEK + 72]])
  })
})
