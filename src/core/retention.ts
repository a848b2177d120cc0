import { StatgraphError } from '../errors/statgraph-error.js'
import { parseDuration } from './duration.js'

/** How long rows are kept, in ms: raw rows, rollups, and the time between checks. */
export interface Retention {
  raw: number | undefined
  rollups: number | undefined
  every: number
}

/** The `retention` option, checked: durations in ms, rollups kept at least as long as raw rows. */
export function resolveRetention(retention: { raw?: string; rollups?: string; every?: string }): Retention {
  const optional = (value: string | undefined, name: string) => (value === undefined ? undefined : parseDuration(value, name))
  const raw = optional(retention.raw, '"retention.raw"')
  const rollups = optional(retention.rollups, '"retention.rollups"')
  if (raw === undefined && rollups === undefined)
    throw new StatgraphError('STATGRAPH_INVALID_OPTION', 'statgraph: "retention" needs "raw" or "rollups" (or both), e.g. { raw: \'30d\', rollups: \'400d\' }')
  if (raw !== undefined && rollups !== undefined && rollups < raw) {
    throw new StatgraphError(
      'STATGRAPH_INVALID_OPTION',
      'statgraph: "retention.rollups" must be at least "retention.raw": the dashboard reads rollups, which keep history after raw rows are gone',
    )
  }
  return { raw, rollups, every: parseDuration(retention.every ?? '1h', '"retention.every"') }
}
