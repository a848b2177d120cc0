import { StatgraphError } from '../../errors/statgraph-error.js'

/**
 * `promise`, or a rejection once `ms` have passed without it settling: what was `doing` then is
 * named in the error. The work itself goes on (a connection gone silent cannot be called back).
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, doing: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StatgraphError('STATGRAPH_DATABASE_TIMEOUT', `statgraph: ${doing} took longer than ${ms} ms; the database does not answer`)),
      ms,
    )
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
