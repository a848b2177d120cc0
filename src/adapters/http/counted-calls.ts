// What every counting wrapper does, on a response (ResponseTracker's) or on a framework's response
// prototype (countOnPrototype's): count or note for `tracker`, if one counts there, around `next`,
// the method the wrapper stands in for.
import type { ServerResponse } from 'node:http'
import type { ResponseTracker } from './response-tracker.js'

export type Write = ServerResponse['write']
export type End = ServerResponse['end']
export type WriteHead = ServerResponse['writeHead']
/** One of Node's response methods, called with the arguments it was given. */
type Call<R> = (...args: unknown[]) => R

/**
 * `res.write(chunk, encoding, callback)` or `res.end(chunk, encoding, callback)` through `next`,
 * the chunk counted ({@link ResponseTracker.count} skips `res.end(callback)`'s function).
 */
export function countedBody<R>(
  res: ServerResponse,
  tracker: ResponseTracker<unknown> | undefined,
  next: Write | End,
  chunk: unknown,
  encoding: unknown,
  callback: unknown,
): R {
  tracker?.count(chunk, encoding)
  return (next as Call<R>).call(res, chunk, encoding, callback)
}

/** `res.writeHead(status, reason, headers)` through `next`, the head noted once it is sent. */
export function notedWriteHead(
  res: ServerResponse,
  tracker: ResponseTracker<unknown> | undefined,
  next: WriteHead,
  status: number,
  reason: unknown,
  headers: unknown,
): ServerResponse {
  const sent = (next as Call<ServerResponse>).call(res, status, reason, headers)
  tracker?.headSent(status, reason, headers)
  return sent
}
