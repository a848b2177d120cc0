// What `statgraph import` keeps of the logs it read, so that no line is counted twice.

/** A log content imported before: its first `lines` lines, known by their hash. */
export interface ImportedContent {
  id: string
  /** How many lines of the content were imported. */
  lines: number
  /** SHA-256 of those lines, each followed by "\n": a file that begins with them continues this content. */
  prefix: string
  /** The file it was last read from, and when. */
  source: string
  importedAt: number
}

/** How far one batch takes an import: lines `from` to `to` of the content `id`, whose first `to` lines hash to `prefix`. */
export interface ImportStep {
  id: string
  /** SHA-256 of the content's first line, by which its later copies are found. */
  head: string
  /** Lines imported before this batch: 0 for a content never imported. */
  from: number
  to: number
  prefix: string
  source: string
}
