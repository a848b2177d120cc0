/**
 * The stable codes statgraph's errors carry, for programs to tell them apart (the messages, written
 * for people, may change between versions).
 */
export type StatgraphErrorCode =
  /** An option has a value statgraph cannot use. */
  | 'STATGRAPH_INVALID_OPTION'
  /** An option statgraph does not know: a typo, most likely; the message names the closest one. */
  | 'STATGRAPH_UNKNOWN_OPTION'
  /** What statgraph was given to attach to is not an app of the adapter's framework. */
  | 'STATGRAPH_INVALID_APP'
  /** statgraph is set up where it would miss requests or break its dashboard: after routes, in a sub-app, in a scope. */
  | 'STATGRAPH_MISPLACED'
  /** The database's driver package is not installed, or cannot load here: the message names it. */
  | 'STATGRAPH_DRIVER_MISSING'
  /** The database server or the runtime lacks something statgraph needs (a collation, node:crypto). */
  | 'STATGRAPH_UNSUPPORTED'
  /** Creating or upgrading statgraph's tables failed; the cause is the database's error. */
  | 'STATGRAPH_MIGRATION_FAILED'
  /** The database did not answer within the `timeouts` set for it. */
  | 'STATGRAPH_DATABASE_TIMEOUT'
  /** A stored rollup value (a visitor sketch, a latency histogram) cannot be read back. */
  | 'STATGRAPH_CORRUPT_ROLLUP'
  /** One of statgraph's worker threads stopped; what it had is retried. */
  | 'STATGRAPH_WORKER_STOPPED'
  /** Two imports read the same log into one table at once; the later batch was rolled back. */
  | 'STATGRAPH_IMPORT_CONFLICT'
  /** A note given to `annotate` has no text, too long a text, or no instant it could be put at. */
  | 'STATGRAPH_INVALID_ANNOTATION'
  /** With `migrations: 'off'`, a table or column statgraph needs is missing; the message names each. */
  | 'STATGRAPH_SCHEMA_MISSING'

/** An error of statgraph's, with a stable `code` to tell it by. */
export class StatgraphError extends Error {
  readonly code: StatgraphErrorCode

  constructor(code: StatgraphErrorCode, message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = 'StatgraphError'
    this.code = code
  }
}

/** The name among `known` closest to `name` by edit distance, if it is close enough to be a typo. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance]
  }
  return best
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length] as number
}

/** The error of an option set wrong: `message` says which, and what to write instead. */
export function invalidOption(message: string): StatgraphError {
  return new StatgraphError('STATGRAPH_INVALID_OPTION', `statgraph: ${message}`)
}
