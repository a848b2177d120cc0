import { nearestRank } from './percentile.js'
import { StatgraphError } from '../../errors/statgraph-error.js'

/** Ratio between the bounds of one bin: each bin is 5% wide. */
const GAMMA = 1.05
const LOG_GAMMA = Math.log(GAMMA)

/**
 * The most a percentile read from a histogram differs from the exact value, relative to it:
 * (γ − 1) / (γ + 1) ≈ 2.44% for times of 1 µs and more (shorter ones read as 1 µs, 0 as 0).
 */
export const HISTOGRAM_RELATIVE_ERROR = (GAMMA - 1) / (GAMMA + 1)

/** Bins of the shortest time kept apart (1 µs) and of 0 ms. */
const MIN_BIN = Math.ceil(Math.log(0.001) / LOG_GAMMA)
const ZERO_BIN = MIN_BIN - 1

/**
 * Response times in log-scaled bins (DDSketch's scheme): bin i holds (γ^(i−1), γ^i] ms and reads as
 * 2γ^i / (γ + 1), so any percentile is within {@link HISTOGRAM_RELATIVE_ERROR} of the exact one.
 * Two histograms merge by adding bins, which is what makes them storable per bucket and summable
 * over any range, from any number of writers.
 */
export class LatencyHistogram {
  /** Index of `counts[0]`. */
  #offset = 0
  #counts: number[] = []
  #total = 0

  get total(): number {
    return this.#total
  }

  add(ms: number, count = 1): void {
    this.#addToBin(binOf(ms), count)
  }

  /** Counts one time already binned by {@link binOf}: a request counted into several histograms is binned once. */
  addBin(bin: number): void {
    this.#addToBin(bin, 1)
  }

  merge(other: LatencyHistogram): void {
    const theirs = other.#counts
    if (theirs.length === 0) return
    // Widen once to cover their bins, then add bin by bin.
    this.#addToBin(other.#offset, 0)
    this.#addToBin(other.#offset + theirs.length - 1, 0)
    const shift = other.#offset - this.#offset
    const mine = this.#counts
    for (let i = 0; i < theirs.length; i++) mine[shift + i] = (mine[shift + i] as number) + (theirs[i] as number)
    this.#total += other.#total
  }

  /** The nearest-rank `percent`th percentile, read from its bin; null when empty. */
  percentile(percent: number): number | null {
    if (this.#total === 0) return null
    const rank = nearestRank(percent, this.#total)
    let seen = 0
    for (let i = 0; i < this.#counts.length; i++) {
      seen += this.#counts[i] as number
      if (seen >= rank) return binValue(this.#offset + i)
    }
    return binValue(this.#offset + this.#counts.length - 1)
  }

  /** Compact text: the first bin's index, then every count from there (`61:1,0,3`). */
  encode(): string {
    return `${this.#offset}:${this.#counts.join(',')}`
  }

  static decode(text: string): LatencyHistogram {
    const unreadable = () =>
      new StatgraphError('STATGRAPH_CORRUPT_ROLLUP', `statgraph: a stored latency histogram is unreadable: ${JSON.stringify(text.slice(0, 40))}`)
    const colon = text.indexOf(':')
    const offset = Number(text.slice(0, colon))
    if (colon === -1 || !Number.isInteger(offset)) throw unreadable()
    // Digit by digit: a month's answer decodes thousands of these, and split/map was its slowest part.
    const counts: number[] = []
    let total = 0
    let count = 0
    let digits = 0
    for (let i = colon + 1; i < text.length; i++) {
      const code = text.charCodeAt(i)
      if (code >= 48 && code <= 57) {
        count = count * 10 + code - 48
        digits++
      } else if (code === 44 && digits > 0) {
        counts.push(count)
        total += count
        count = 0
        digits = 0
      } else throw unreadable()
    }
    if (digits > 0) {
      counts.push(count)
      total += count
    } else if (counts.length > 0) throw unreadable()
    const histogram = new LatencyHistogram()
    histogram.#offset = offset
    histogram.#counts = counts
    histogram.#total = total
    return histogram
  }

  #addToBin(bin: number, count: number): void {
    if (this.#counts.length === 0) {
      this.#offset = bin
      this.#counts.push(0)
    } else if (bin < this.#offset) {
      this.#counts.unshift(...new Array<number>(this.#offset - bin).fill(0))
      this.#offset = bin
    } else if (bin >= this.#offset + this.#counts.length) {
      this.#counts.push(...new Array<number>(bin - this.#offset - this.#counts.length + 1).fill(0))
    }
    this.#counts[bin - this.#offset] = (this.#counts[bin - this.#offset] as number) + count
    this.#total += count
  }
}

/** The bin a time of `ms` falls in. */
export function binOf(ms: number): number {
  if (ms <= 0) return ZERO_BIN
  return Math.max(MIN_BIN, Math.ceil(Math.log(ms) / LOG_GAMMA))
}

function binValue(bin: number): number {
  return bin === ZERO_BIN ? 0 : (2 * GAMMA ** bin) / (GAMMA + 1)
}
