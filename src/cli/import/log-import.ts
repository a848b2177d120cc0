import { createHash, type Hash } from 'node:crypto'
import type { RequestRecord } from '../../record/request-record.js'
import { toRequestRecord } from '../../record/to-request-record.js'
import type { ImportedContent } from '../../store/imported-content.js'
import type { Store } from '../../store/store.js'
import { type LogFormat, parseAccessLine } from './access-log.js'
import { hashLine, type ImportedStart } from './imported-start.js'

const BATCH = 5000
const LISTED_MALFORMED = 10

/** What one log gave. */
export interface ImportResult {
  source: string
  /** Lines read, past those imported before. */
  lines: number
  imported: number
  malformed: number
  /** The first malformed lines' numbers (counted from the log's first line). */
  malformedLines: number[]
  /** Lines skipped as imported before, and when. */
  skipped: number
  previous: ImportedContent | undefined
}

/**
 * One log's lines into the table, in batches; each batch's transaction also records how far into
 * the log's content it reached (the import ledger), so that no line is ever counted twice. A batch
 * reaches to its last parsed line: the malformed or blank lines after it are read again next time.
 * `start` undefined: the input is not recorded (stdin).
 */
export class LogImport {
  readonly result: ImportResult
  readonly #store: Store
  readonly #format: LogFormat
  readonly #tracked: boolean
  #id: string | undefined
  #head: string | undefined
  readonly #taken: ReadonlySet<string>
  #hash: Hash
  #lines: number
  /** Lines the ledger has; the lines through the last parsed one, and the hash there if lines after it were hashed since. */
  #committed: number
  #parsedThrough: number
  #hashAtParsed: Hash | undefined
  #batch: RequestRecord[] = []

  constructor(store: Store, format: LogFormat, source: string, start: ImportedStart, tracked = true) {
    this.#store = store
    this.#format = format
    this.#tracked = tracked
    this.#id = start.id
    this.#head = start.head
    this.#taken = start.taken
    this.#hash = start.hash
    this.#lines = this.#committed = this.#parsedThrough = start.lines
    this.result = { source, lines: 0, imported: 0, malformed: 0, malformedLines: [], skipped: start.lines, previous: start.previous }
  }

  /** The log's next line (past the start), without its line end. */
  async add(line: Buffer): Promise<void> {
    this.#lines++
    this.result.lines++
    const text = line.toString('utf8')
    const facts = text.trim() === '' ? undefined : parseAccessLine(text, this.#format)
    if (facts === undefined) {
      if (text.trim() !== '') {
        this.result.malformed++
        if (this.result.malformedLines.length < LISTED_MALFORMED) this.result.malformedLines.push(this.#lines)
      }
      this.#hashAtParsed ??= this.#hash.copy()
      hashLine(this.#hash, line)
      this.#noteHead()
      return
    }
    hashLine(this.#hash, line)
    this.#noteHead()
    this.#parsedThrough = this.#lines
    this.#hashAtParsed = undefined
    this.#batch.push(toRequestRecord(facts, { trustProxy: false }))
    if (this.#batch.length === BATCH) await this.flush()
  }

  /** Writes the lines parsed so far, with the ledger's step in the same transaction. */
  async flush(): Promise<void> {
    const batch = this.#batch
    if (batch.length === 0) return
    if (!this.#tracked) {
      await this.#store.insertBatch(batch)
    } else {
      const head = this.#head as string
      this.#id ??= newId(head, this.#taken)
      const prefix = (this.#hashAtParsed ?? this.#hash).copy().digest('hex')
      const step = { id: this.#id, head, from: this.#committed, to: this.#parsedThrough, prefix, source: this.result.source }
      await this.#store.insertBatch(batch, { imported: step })
      this.#committed = this.#parsedThrough
    }
    // Only once written: a failed write is tried again with the next flush, lines and ledger together.
    this.#batch = []
    this.result.imported += batch.length
  }

  /** The ledger's id of this content, once a batch of it was written. */
  get id(): string | undefined {
    return this.#committed > 0 ? this.#id : undefined
  }

  #noteHead(): void {
    if (this.#lines === 1) this.#head = this.#hash.copy().digest('hex')
  }
}

/** The content's id: its head's hash, or one derived from it where another content has the same first line. */
function newId(head: string, taken: ReadonlySet<string>): string {
  if (!taken.has(head)) return head
  for (let n = 1; ; n++) {
    const id = createHash('sha256').update(`${head}:${n}`).digest('hex')
    if (!taken.has(id)) return id
  }
}
