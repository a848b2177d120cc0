import { StatgraphError } from '../../errors/statgraph-error.js'

/** Registers of the dense form: 2^11. */
const INDEX_BITS = 11
const REGISTERS = 1 << INDEX_BITS
/** Distinct visitors kept exactly, as hashes, before the sketch turns into HyperLogLog registers. */
const EXACT_LIMIT = 200

/** 2^-rank for every rank a register can hold (at most 43). */
const INVERSE_POWERS = Float64Array.from({ length: 64 }, (_, rank) => 2 ** -rank)

/**
 * The standard error of a count once a sketch holds more than 200 visitors: 1.04 / √2048 ≈ 2.3%
 * (HyperLogLog). Up to 200 the count is exact (barring a 53-bit hash collision).
 */
export const SKETCH_STANDARD_ERROR = 1.04 / Math.sqrt(REGISTERS)

/**
 * Distinct visitors of one group (a path, a route) in one bucket, mergeable across buckets and
 * writers: a set of visitor hashes while small, HyperLogLog registers beyond. The exact
 * per-bucket and per-range visitor counts live in the store's visitor table; this serves the
 * per-path figures, where one row per (day, path, visitor) would outgrow the raw table.
 */
export class VisitorSketch {
  #exact: Set<number> | undefined = new Set()
  /**
   * Exact hashes as decoded (two 32-bit words each, distinct: written from a set), put in a set
   * only once this sketch changes — a long range's answer decodes thousands and merges each once.
   */
  #words: Uint32Array | undefined
  #registers: Uint8Array | undefined

  add(visitor: string): void {
    this.addHash(visitorHash(visitor))
  }

  merge(other: VisitorSketch): void {
    if (other.#registers !== undefined) {
      this.#densify()
      const mine = this.#registers as Uint8Array
      const theirs = other.#registers
      // A plain loop: merging is most of the cost of a long range's answer.
      for (let i = 0; i < REGISTERS; i++) if ((theirs[i] as number) > (mine[i] as number)) mine[i] = theirs[i] as number
    } else if (other.#words !== undefined) {
      const words = other.#words
      for (let i = 0; i < words.length; i += 2) this.addHash((words[i] as number) * 2 ** 32 + (words[i + 1] as number))
    } else {
      for (const hash of other.#exact ?? []) this.addHash(hash)
    }
  }

  count(): number {
    if (this.#words !== undefined) return this.#words.length / 2
    if (this.#exact !== undefined) return this.#exact.size
    const registers = this.#registers as Uint8Array
    let sum = 0
    let zeros = 0
    for (let i = 0; i < REGISTERS; i++) {
      const rank = registers[i] as number
      sum += INVERSE_POWERS[rank] as number
      if (rank === 0) zeros++
    }
    const estimate = ((0.7213 / (1 + 1.079 / REGISTERS)) * REGISTERS * REGISTERS) / sum
    // Small cardinalities: linear counting is the better estimate.
    if (estimate <= 2.5 * REGISTERS && zeros > 0) return Math.round(REGISTERS * Math.log(REGISTERS / zeros))
    return Math.round(estimate)
  }

  /** `e:` and the hashes, or `d:` and the registers, in base 64. */
  encode(): string {
    if (this.#words !== undefined) return `e:${Buffer.from(this.#words.buffer, this.#words.byteOffset, this.#words.byteLength).toString('base64')}`
    if (this.#exact !== undefined) {
      // Each hash as two 32-bit halves: far cheaper than a number's base-36 text.
      const words = new Uint32Array(this.#exact.size * 2)
      let i = 0
      for (const hash of this.#exact) {
        words[i++] = Math.floor(hash / 2 ** 32)
        words[i++] = hash >>> 0
      }
      return `e:${Buffer.from(words.buffer).toString('base64')}`
    }
    return `d:${Buffer.from(this.#registers as Uint8Array).toString('base64')}`
  }

  static decode(text: string): VisitorSketch {
    const sketch = new VisitorSketch()
    const body = text.slice(2)
    if (text.startsWith('e:')) {
      const bytes = Buffer.from(body, 'base64')
      if (bytes.length % 8 !== 0)
        throw new StatgraphError('STATGRAPH_CORRUPT_ROLLUP', `statgraph: a stored visitor sketch is unreadable: ${JSON.stringify(text.slice(0, 40))}`)
      sketch.#exact = undefined
      sketch.#words = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length))
      return sketch
    }
    const registers = text.startsWith('d:') ? Buffer.from(body, 'base64') : undefined
    if (registers?.length !== REGISTERS) {
      throw new StatgraphError('STATGRAPH_CORRUPT_ROLLUP', `statgraph: a stored visitor sketch is unreadable: ${JSON.stringify(text.slice(0, 40))}`)
    }
    sketch.#exact = undefined
    // The decoded bytes are this sketch's alone: no copy.
    sketch.#registers = registers
    return sketch
  }

  /** Adds a visitor already hashed by {@link visitorHash}: a request counted into several sketches is hashed once. */
  addHash(hash: number): void {
    this.#unpack()
    if (this.#exact !== undefined) {
      this.#exact.add(hash)
      if (this.#exact.size <= EXACT_LIMIT) return
      this.#densify()
      return
    }
    setRegister(this.#registers as Uint8Array, hash)
  }

  #densify(): void {
    if (this.#registers !== undefined) return
    this.#unpack()
    const registers = new Uint8Array(REGISTERS)
    for (const hash of this.#exact ?? []) setRegister(registers, hash)
    this.#registers = registers
    this.#exact = undefined
  }

  /** The decoded hashes into the set, before this sketch changes. */
  #unpack(): void {
    const words = this.#words
    if (words === undefined) return
    this.#words = undefined
    const exact = new Set<number>()
    for (let i = 0; i < words.length; i += 2) exact.add((words[i] as number) * 2 ** 32 + (words[i + 1] as number))
    this.#exact = exact
  }
}

/** HyperLogLog: the low bits pick a register, which keeps the longest run of leading zeros seen in the rest. */
function setRegister(registers: Uint8Array, hash: number): void {
  const index = hash % REGISTERS
  const rest = Math.floor(hash / REGISTERS) // 42 bits
  const high = Math.floor(rest / 2 ** 32) // top 10 of them
  const zeros = high !== 0 ? Math.clz32(high) - 22 : 10 + Math.clz32(rest >>> 0)
  const rank = zeros + 1
  if (rank > (registers[index] as number)) registers[index] = rank
}

/**
 * A 53-bit string hash (two multiply-xorshift lanes, after bryc's public-domain cyrb53): fast,
 * well spread, and the same in every process, so sketches written by many app instances merge.
 */
export function visitorHash(text: string): number {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ code, 2654435761)
    h2 = Math.imul(h2 ^ code, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return 4294967296 * (2097151 & h2) + (h1 >>> 0)
}
