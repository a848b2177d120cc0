import { CliError, EXIT } from '../cli-error.js'
import { databaseName } from '../open-cli-store.js'
import { type ImportOptions, logFormat, withImportStore } from './import-command.js'
import { LogFollower } from './log-follower.js'

/**
 * `statgraph import --follow`: follows each log until SIGINT or SIGTERM, then reads what is left,
 * prints what each gave and exits 0.
 */
export async function followCommand(sources: string[], options: ImportOptions & { poll: string }): Promise<void> {
  const pollMs = Number(options.poll)
  if (!Number.isInteger(pollMs) || pollMs < 10) throw new CliError(`--poll must be a whole number of ms, 10 or more, not "${options.poll}"`, EXIT.usage)
  if (sources.includes('-')) throw new CliError('--follow reads files; stdin cannot be followed (pipe it without --follow)', EXIT.usage)
  const format = logFormat(options.format)
  await withImportStore(options, async (store) => {
    const stop = new AbortController()
    const onSignal = () => stop.abort()
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    const log = (message: string) => console.error(`statgraph: ${message}`)
    const followers = sources.map((source) => new LogFollower(store, format, source, { log, pollMs }))
    log(`following ${sources.join(', ')} into ${databaseName(options.database)}; stop with Ctrl-C`)
    try {
      // One follower failing (its database gone) stops the others, to report it.
      const runs = followers.map((follower) =>
        follower.run(stop.signal).catch((error: unknown) => {
          stop.abort()
          throw error
        }),
      )
      await Promise.all(runs)
    } finally {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
    for (const [i, follower] of followers.entries()) {
      const { imported, malformed } = follower.totals
      console.log(`statgraph: imported ${imported} requests from ${sources[i]}${malformed === 0 ? '' : `; skipped ${malformed} malformed lines`}`)
    }
  })
}
