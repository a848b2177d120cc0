import { createHash, type Hash } from 'node:crypto'
import type { ImportedContent } from '../../store/imported-content.js'
import type { Store } from '../../store/store.js'

const LINE_END = Buffer.from('\n')

/** Where a log stands in the import ledger: how many of its first lines were imported before. */
export interface ImportedStart {
  /** The ledger's id of the content this log continues; undefined for a content never imported. */
  id: string | undefined
  /** SHA-256 of its first line; undefined while it has no complete line. */
  head: string | undefined
  /** Lines imported before, to skip. */
  lines: number
  /** The running hash over those lines. */
  hash: Hash
  /** When and from where they were imported. */
  previous: ImportedContent | undefined
  /** Ids of other contents with the same first line: a new content takes another. */
  taken: ReadonlySet<string>
}

/** Adds one line, with the line end every copy of it is hashed with, to `hash`. */
export function hashLine(hash: Hash, line: Buffer): void {
  hash.update(line)
  hash.update(LINE_END)
}

/** A start for a log that is not checked against the ledger (stdin), or has no line yet. */
export function freshStart(head?: string, taken: ReadonlySet<string> = new Set()): ImportedStart {
  return { id: undefined, head, lines: 0, hash: createHash('sha256'), previous: undefined, taken }
}

/**
 * Finds, among the contents imported before with the same first line, the longest one this log
 * begins with, line for line: a log that grew, its rotated or compressed copy, or a CRLF copy (line
 * ends are not hashed as written).
 */
export async function importedStart(store: Store, lines: AsyncIterable<Buffer>): Promise<ImportedStart> {
  const hash = createHash('sha256')
  let head: string | undefined
  let candidates: ImportedContent[] = []
  let best: { content: ImportedContent; hash: Hash } | undefined
  let count = 0
  for await (const line of lines) {
    hashLine(hash, line)
    count++
    if (count === 1) {
      head = hash.copy().digest('hex')
      candidates = await store.importedContents(head)
    }
    const ending = candidates.filter((content) => content.lines === count)
    if (ending.length > 0) {
      const prefix = hash.copy().digest('hex')
      const match = ending.find((content) => content.prefix === prefix)
      if (match !== undefined) best = { content: match, hash: hash.copy() }
    }
    if (!candidates.some((content) => content.lines > count)) break
  }
  if (head === undefined) return freshStart()
  if (best === undefined) return freshStart(head, new Set(candidates.map((content) => content.id)))
  return { id: best.content.id, head, lines: best.content.lines, hash: best.hash, previous: best.content, taken: new Set() }
}
