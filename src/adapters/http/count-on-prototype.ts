import type { ServerResponse } from 'node:http'
import { countedBody, notedWriteHead } from './counted-calls.js'
import { ResponseTracker } from './response-tracker.js'

const COUNTING = Symbol.for('statgraph.countingPrototype')

type Prototype = ServerResponse & { [COUNTING]?: true }

/**
 * Counts the bytes of tracked responses that inherit `prototype` — a framework's response
 * prototype, such as an Express app's — through wrappers on it rather than on each response: see
 * {@link ResponseTracker}'s `countedOnPrototype`. Each wrapper calls the method `prototype`
 * inherits as it is at the time of the call, so a later patch of `node:http` (an APM agent's)
 * still runs; responses that no tracker counts this way pass through untouched. Idempotent.
 */
export function countOnPrototype(prototype: ServerResponse): void {
  const target = prototype as Prototype
  if (Object.hasOwn(target, COUNTING)) return
  target[COUNTING] = true
  const inherited = () => Object.getPrototypeOf(prototype) as ServerResponse
  // Fixed parameters, not rest arguments: no array per call (Node treats missing and undefined alike).
  prototype.write = function write(this: ServerResponse, chunk: unknown, encoding: unknown, callback: unknown) {
    return countedBody<boolean>(this, countedHere(this), inherited().write, chunk, encoding, callback)
  } as ServerResponse['write']
  prototype.end = function end(this: ServerResponse, chunk: unknown, encoding: unknown, callback: unknown) {
    return countedBody<ServerResponse>(this, countedHere(this), inherited().end, chunk, encoding, callback)
  } as ServerResponse['end']
  prototype.writeHead = function writeHead(this: ServerResponse, status: number, reason: unknown, headers: unknown) {
    return notedWriteHead(this, countedHere(this), inherited().writeHead, status, reason, headers)
  } as ServerResponse['writeHead']
}

/** The tracker of `res`, where it counts through the prototype and not through `res`'s own wrappers. */
function countedHere(res: ServerResponse): ResponseTracker<unknown> | undefined {
  const tracker = ResponseTracker.ofResponse(res)
  return tracker === undefined || tracker.countsOnInstance ? undefined : tracker
}
