import { QueryError } from '../stats/query/query-error.js'
import { CliError, EXIT } from './cli-error.js'

export interface RangeArgs {
  start?: string | undefined
  end?: string | undefined
}

/** The API's parameters for `--start`/`--end` (UTC days), and a parse that turns its errors into usage errors. */
export function rangeParams(args: RangeArgs, extra: Record<string, string> = {}): URLSearchParams {
  const params = new URLSearchParams(extra)
  if (args.start !== undefined) params.set('start', args.start)
  if (args.end !== undefined) params.set('end', args.end)
  return params
}

export function parsed<T>(parse: () => T): T {
  try {
    return parse()
  } catch (error) {
    if (error instanceof QueryError) throw new CliError(error.message.replace(/"(start|end)"/g, '--$1'), EXIT.usage)
    throw error
  }
}
