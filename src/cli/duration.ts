import { CliError, EXIT } from './cli-error.js'

const UNITS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const

/** Milliseconds of a duration written `90d`, `12h`, `30m` or `2w`. */
export function parseDuration(text: string, option: string): number {
  const match = /^(\d{1,6})([mhdw])$/.exec(text)
  if (match === null) throw new CliError(`${option} must be a duration such as 90d, 12h, 30m or 2w, not "${text}"`, EXIT.usage)
  return Number(match[1]) * UNITS[match[2] as keyof typeof UNITS]
}
