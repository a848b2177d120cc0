// The median every bench reports, and how far one run's figures can be trusted on a shared machine.
import { seededRandom } from '../src/cli/demo/seeded-random.js'

/** The middle value of `values` (the upper of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN
}

/** Bootstrap draws: enough for an interval's ends to settle to the second decimal of a ratio. */
const DRAWS = 2000

/**
 * Where `statistic` of `count` measurements (turns, rounds) falls in `confidence` of runs like
 * this one, by bootstrap: `statistic` is taken of the measurements drawn again with replacement,
 * as lists of their indices, {@link DRAWS} times. It assumes the measurements independent, as turns
 * seconds apart on a shared machine roughly are; a fixed seed prints the same interval for the same
 * figures. An interval wider than the gap a run is to tell says the run cannot tell it.
 */
export function bootstrapInterval(count: number, statistic: (draw: readonly number[]) => number, confidence = 0.9): [low: number, high: number] {
  if (count === 0) return [Number.NaN, Number.NaN]
  const random = seededRandom(1)
  const results = new Float64Array(DRAWS)
  const draw = new Array<number>(count)
  for (let i = 0; i < DRAWS; i++) {
    for (let j = 0; j < count; j++) draw[j] = Math.floor(random() * count)
    results[i] = statistic(draw)
  }
  results.sort()
  const tail = (1 - confidence) / 2
  return [results[Math.floor(tail * (DRAWS - 1))] as number, results[Math.ceil((1 - tail) * (DRAWS - 1))] as number]
}
