import { StatgraphError } from '../errors/statgraph-error.js'
import type { WriteLimits } from '../store/kysely/kysely-store-config.js'
import { parseDuration } from './duration.js'
import type { StatgraphOptions } from './statgraph-options.js'

// The checks of single option values, each with a message that names the option and the fix.

export function nonEmpty(option: string, value: unknown): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value.trim() === '') {
    throw new StatgraphError('STATGRAPH_INVALID_OPTION', `statgraph: "${option}" must be a non-empty string, got ${JSON.stringify(value)}`)
  }
  return value.trim()
}

export function resolveRuntime(runtime: StatgraphOptions<unknown, unknown>['runtime']): number | undefined {
  if (runtime === false) return undefined
  if (runtime !== undefined && (typeof runtime !== 'object' || runtime === null)) {
    throw new StatgraphError('STATGRAPH_INVALID_OPTION', 'statgraph: "runtime" must be false or { every: \'10s\' }')
  }
  return parseDuration(runtime?.every ?? '10s', '"runtime.every"')
}

export function resolveMaxValues(maxValues: unknown): number | undefined {
  if (maxValues === undefined) return undefined
  if (!Number.isInteger(maxValues) || (maxValues as number) < 10 || (maxValues as number) > 1_000_000) {
    throw new StatgraphError(
      'STATGRAPH_INVALID_OPTION',
      `statgraph: "maxValues" must be a whole number from 10 to 1000000 (values kept per group and bucket), got ${String(maxValues)}`,
    )
  }
  return maxValues as number
}

export function resolveTimeouts(timeouts: StatgraphOptions<unknown, unknown>['timeouts']): Partial<WriteLimits> {
  if (timeouts === undefined) return {}
  if (typeof timeouts !== 'object' || timeouts === null)
    throw new StatgraphError('STATGRAPH_INVALID_OPTION', "statgraph: \"timeouts\" must be an object such as { statement: '5s', lock: '2s', write: '10s' }")
  const limits: Partial<WriteLimits> = {}
  if (timeouts.statement !== undefined) limits.statementMs = parseDuration(timeouts.statement, '"timeouts.statement"')
  if (timeouts.lock !== undefined) limits.lockMs = parseDuration(timeouts.lock, '"timeouts.lock"')
  if (timeouts.write !== undefined) limits.writeMs = parseDuration(timeouts.write, '"timeouts.write"')
  return limits
}

export function sqlName(option: string, name: unknown): string {
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new StatgraphError('STATGRAPH_INVALID_OPTION', `statgraph: "${option}" must be a plain SQL name (letters, digits, _), got ${JSON.stringify(name)}`)
  }
  return name
}

export function resolveMigrations(migrations: unknown): 'auto' | 'off' {
  if (migrations === undefined || migrations === 'auto' || migrations === 'off') return migrations ?? 'auto'
  throw new StatgraphError('STATGRAPH_INVALID_OPTION', `statgraph: "migrations" must be 'auto' or 'off', got ${JSON.stringify(migrations)}`)
}
