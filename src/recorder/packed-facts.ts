import type { RequestFacts } from '../record/request-record.js'
import type { BatchFormat } from './recorder.js'

/** Facts per part: what goes to the writer thread in one message. */
export const PART = 500

/** Numbers per request: date, response time (NaN for none), status, size. */
const NUMBERS = 4
/** Texts per request, as references into the part's `texts`: 0 stands for none. */
const TEXTS = 9
/** A part's typed arrays, in bytes. */
const PART_BYTES = PART * (NUMBERS * Float64Array.BYTES_PER_ELEMENT + TEXTS * Uint32Array.BYTES_PER_ELEMENT)
/** What V8 spends on a string beside its characters (two bytes each, at most), and on its place in the lists. */
const TEXT_OVERHEAD = 32

/**
 * Up to {@link PART} requests' facts in two typed arrays and one list of distinct texts: a
 * structured clone copies it in a few memcpys, where a list of objects is walked field by field.
 */
export interface FactsPart {
  count: number
  numbers: Float64Array
  refs: Uint32Array
  texts: string[]
}

/**
 * Request facts held the way the writer thread receives them. A request's facts are copied in
 * when it ends, so its objects die young instead of waiting in the buffer — where, kept for up to a
 * second, they would survive into the old generation and cost the app's garbage collector.
 */
export class PackedFacts {
  readonly parts: FactsPart[] = []
  #size = 0
  #bytes = 0
  /** The texts of the last part, to their references: repeated texts (a user agent, a path) are kept once. */
  #refs = new Map<string, number>()
  /**
   * Each field's text in the request before, and its reference: most requests repeat it (a client's
   * user agent, a page's path), and comparing two strings is cheaper than hashing one for the map.
   */
  readonly #lastTexts: (string | undefined)[] = new Array(TEXTS)
  readonly #lastRefs = new Uint32Array(TEXTS)

  get size(): number {
    return this.#size
  }

  /** Roughly the memory held: the parts' arrays and their distinct texts. */
  get bytes(): number {
    return this.#bytes
  }

  /** Copies `facts` in; returns how many requests the batch holds. */
  add(facts: RequestFacts): number {
    let part = this.parts.at(-1)
    if (part === undefined || part.count === PART) {
      part = { count: 0, numbers: new Float64Array(PART * NUMBERS), refs: new Uint32Array(PART * TEXTS), texts: [] }
      this.parts.push(part)
      this.#bytes += PART_BYTES
      this.#refs = new Map()
      this.#lastTexts.fill(undefined)
    }
    const n = part.count * NUMBERS
    part.numbers[n] = facts.date
    part.numbers[n + 1] = facts.responseTime ?? Number.NaN
    part.numbers[n + 2] = facts.status
    part.numbers[n + 3] = facts.size
    const r = part.count * TEXTS
    const refs = part.refs
    refs[r] = this.#ref(part, 0, facts.method)
    refs[r + 1] = this.#ref(part, 1, facts.url)
    refs[r + 2] = this.#ref(part, 2, facts.route)
    refs[r + 3] = this.#ref(part, 3, facts.userAgent)
    refs[r + 4] = this.#ref(part, 4, facts.referrer)
    refs[r + 5] = this.#ref(part, 5, facts.remoteAddress)
    refs[r + 6] = this.#ref(part, 6, facts.forwardedFor)
    refs[r + 7] = this.#ref(part, 7, facts.contentType)
    refs[r + 8] = this.#ref(part, 8, facts.exception)
    part.count++
    return ++this.#size
  }

  #ref(part: FactsPart, field: number, text: string | null | undefined): number {
    if (text === undefined || text === null) return 0
    if (text === this.#lastTexts[field]) return this.#lastRefs[field] as number
    let ref = this.#refs.get(text)
    if (ref === undefined) {
      ref = part.texts.push(text)
      this.#refs.set(text, ref)
      this.#bytes += 2 * text.length + TEXT_OVERHEAD
    }
    this.#lastTexts[field] = text
    this.#lastRefs[field] = ref
    return ref
  }
}

/** {@link PackedFacts} as a recorder's batches. */
export const packedFormat: BatchFormat<RequestFacts, PackedFacts> = {
  create: () => new PackedFacts(),
  add: (batch, facts) => batch.add(facts),
  size: (batch) => batch.size,
  bytes: (batch) => batch.bytes,
}

/** The facts of one part, as they were added. */
export function unpackFacts(part: FactsPart): RequestFacts[] {
  const { numbers, refs, texts } = part
  const text = (ref: number) => (ref === 0 ? undefined : texts[ref - 1])
  const facts: RequestFacts[] = new Array(part.count)
  for (let i = 0; i < part.count; i++) {
    const n = i * NUMBERS
    const r = i * TEXTS
    const responseTime = numbers[n + 1] as number
    facts[i] = {
      date: numbers[n] as number,
      responseTime: Number.isNaN(responseTime) ? null : responseTime,
      status: numbers[n + 2] as number,
      size: numbers[n + 3] as number,
      method: text(refs[r] as number) ?? '',
      url: text(refs[r + 1] as number) ?? '',
      route: text(refs[r + 2] as number),
      userAgent: text(refs[r + 3] as number),
      referrer: text(refs[r + 4] as number),
      remoteAddress: text(refs[r + 5] as number),
      forwardedFor: text(refs[r + 6] as number),
      contentType: text(refs[r + 7] as number),
      exception: text(refs[r + 8] as number) ?? null,
    }
  }
  return facts
}
