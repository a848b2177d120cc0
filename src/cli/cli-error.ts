/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  /** The work failed: the database could not be reached or written. */
  failed: 1,
  /** Bad usage: an unknown option or value, a missing or foreign database. */
  usage: 2,
  /** `import` found nothing new: every line of every log was imported into this table before. */
  nothingNew: 3,
  /** `import` found no request line in a log's new lines: an empty log, or one in another format than `--format`. */
  nothingImported: 4,
} as const

/** An error the command prints as one line, exiting with `exitCode`. */
export class CliError extends Error {
  readonly exitCode: number

  constructor(message: string, exitCode: number = EXIT.failed) {
    super(message)
    this.exitCode = exitCode
  }
}
