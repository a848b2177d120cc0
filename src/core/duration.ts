import { StatgraphError } from '../errors/statgraph-error.js'
const UNITS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const

/** Milliseconds of a duration written `90d`, `12h`, `30m`, `2w` or `10s`; `name` says what was wrong in the error. */
export function parseDuration(text: unknown, name: string): number {
  const match = typeof text === 'string' ? /^(\d{1,6})([smhdw])$/.exec(text) : null
  if (match === null)
    throw new StatgraphError('STATGRAPH_INVALID_OPTION', `statgraph: ${name} must be a duration such as 90d, 12h, 30m or 2w, not ${JSON.stringify(text)}`)
  const ms = Number(match[1]) * UNITS[match[2] as keyof typeof UNITS]
  if (ms === 0) throw new StatgraphError('STATGRAPH_INVALID_OPTION', `statgraph: ${name} must be longer than 0`)
  return ms
}
