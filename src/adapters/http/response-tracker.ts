import type { IncomingMessage, ServerResponse } from 'node:http'
import { describeError } from '../../record/describe-error.js'
import { CLIENT_CLOSED_REQUEST, type RequestFacts } from '../../record/request-record.js'
import { countedBody, type End, notedWriteHead, type Write, type WriteHead } from './counted-calls.js'

const TRACKER = Symbol.for('statgraph.tracker')

type Tracked = ServerResponse & { [TRACKER]?: ResponseTracker<unknown> }
type TrackedRequest = IncomingMessage & { [TRACKER]?: ResponseTracker<unknown> }

/**
 * What an adapter reads off a finished request, for frameworks that know it only then; `C` is what
 * it reads it from (the framework's request or context) — Node's request unless it says otherwise.
 */
export interface FinishedFacts<C = IncomingMessage> {
  /** The matched route pattern. */
  route(context: C): string | undefined
  /** The client's address by the framework's proxy setting; undefined: the socket's peer and `X-Forwarded-For`. */
  address(context: C): string | undefined
  /** The error the framework caught and answered for, if it keeps one. */
  error?(context: C): unknown
}

/**
 * Follows one `node:http` response from arrival to end — the one object a request costs. It counts
 * the body bytes that pass through `res.write`/`res.end` (so statgraph, registered first, sees what
 * compression middleware actually sends), and when the response closes it becomes the request's
 * {@link RequestFacts} and goes to `sink`. Shared by every adapter that runs on `node:http`.
 */
export class ResponseTracker<C = IncomingMessage> implements RequestFacts {
  readonly date = Date.now()
  readonly #start = performance.now()
  responseTime = 0
  method: string
  url: string
  /** The matched route pattern; an adapter that learns it during the request sets it. */
  route: string | undefined = undefined
  status = 0
  size = 0
  userAgent: string | undefined = undefined
  referrer: string | undefined = undefined
  /**
   * The client's address as the framework resolved it (by its proxy setting), if an adapter sets
   * it; otherwise the socket's peer and `X-Forwarded-For` are read when the response ends.
   */
  remoteAddress: string | undefined = undefined
  forwardedFor: string | undefined = undefined
  contentType: string | undefined = undefined
  exception: string | null = null
  requestSize: number | undefined = undefined
  /** The socket's peer and `X-Forwarded-For`, read on arrival: the address unless the framework resolves one. */
  readonly #peer: string | undefined
  readonly #forwarded: string | undefined
  /** Whether the response is still followed: false once it has ended or been cancelled. */
  #following = true
  readonly #sink: (facts: RequestFacts) => void
  readonly #finished: FinishedFacts<C> | undefined
  #context: C | undefined
  readonly #write: Write
  readonly #end: End
  readonly #writeHead: WriteHead
  /**
   * The `Content-Type` handed straight to `res.writeHead(status, headers)`, as Fastify and Hono's
   * Node server do: Node writes such headers into the head without keeping them for `getHeader`.
   */
  #headContentType: unknown = undefined
  /** The status of the head `res.writeHead` sent, once it has. */
  #sentStatus: number | undefined = undefined
  /**
   * Whether the wrappers on the response itself count its bytes; false where the adapter counts
   * them through its framework's response prototype instead (see {@link countOnPrototype}).
   */
  readonly countsOnInstance: boolean
  /** Whether any write or end was counted: one that went around every wrapper leaves it false. */
  #counted = false

  /**
   * Starts tracking `res`. `url` is the request target as the client sent it (frameworks that
   * rewrite `req.url` for mounted routers pass the original); `finished` tells the matched route,
   * the client's address and the error when the response ends, read from `context` (default `req`),
   * for frameworks that only know them then.
   *
   * `countedOnPrototype` is for a framework that swaps the prototypes of `req` and `res` for its
   * own and links them (`req.res`), as Express does, after the adapter has put counting wrappers on
   * that prototype with {@link countOnPrototype}: the tracker then adds nothing to `req` and only
   * itself to `res`. V8 keeps no shape for properties added after `Object.setPrototypeOf`, so
   * the framework's own additions copy every earlier one into a new map and descriptor array for
   * each request: the five the tracker added cost Express about 0.5 KB of garbage a request.
   */
  constructor(
    req: IncomingMessage,
    res: ServerResponse,
    sink: (facts: RequestFacts) => void,
    url = req.url ?? '/',
    finished?: FinishedFacts<C>,
    context: C = req as C,
    countedOnPrototype = false,
  ) {
    this.#sink = sink
    this.#finished = finished
    this.#context = context
    this.method = req.method ?? 'GET'
    this.url = url
    // The request's facts are read on arrival, while `req` still has the shape every request
    // shares: Express swaps its prototype, which leaves each request a map of its own, and every
    // later read of it a megamorphic lookup.
    const headers = req.headers
    this.userAgent = headers['user-agent']
    this.referrer = headers.referer
    const length = Number(headers['content-length'])
    if (Number.isFinite(length)) this.requestSize = length
    this.#peer = req.socket.remoteAddress
    const forwarded = headers['x-forwarded-for']
    this.#forwarded = Array.isArray(forwarded) ? forwarded.join(',') : forwarded
    this.#write = res.write
    this.#end = res.end
    this.#writeHead = res.writeHead
    ;(res as Tracked)[TRACKER] = this
    // An instrumentation that wrapped this response's own methods before us (OpenTelemetry's http
    // one does) calls the methods it found then, around the prototype: such a response is counted here.
    this.countsOnInstance = !countedOnPrototype || Object.hasOwn(res, 'write') || Object.hasOwn(res, 'end') || Object.hasOwn(res, 'writeHead')
    if (!countedOnPrototype) (req as TrackedRequest)[TRACKER] = this
    if (this.countsOnInstance) {
      res.write = countingWrite as Write
      res.end = countingEnd as End
      res.writeHead = notingWriteHead as WriteHead
    }
    // `on`, not `once`: 'close' fires once per response, and once() would wrap the listener each time.
    res.on('close', onClose)
  }

  /** Notes the error a handler threw; the first one is kept. */
  static captureError(req: IncomingMessage, error: unknown): void {
    const tracker = ResponseTracker.of(req)
    if (tracker !== undefined && tracker.exception === null) tracker.exception = describeError(error)
  }

  /** The tracker following `req`'s response, if one is: on `req`, or on the response it links to. */
  static of(req: IncomingMessage): ResponseTracker<unknown> | undefined {
    return (req as TrackedRequest)[TRACKER] ?? ((req as { res?: unknown }).res as Tracked | undefined)?.[TRACKER]
  }

  /** The tracker following `res`, if one is. */
  static ofResponse(res: ServerResponse): ResponseTracker<unknown> | undefined {
    return (res as Tracked)[TRACKER]
  }

  /** Leaves the request unrecorded (an opt-out decided after tracking began); bytes are still counted, nothing is sent. */
  cancel(): void {
    this.#following = false
    this.#context = undefined
  }

  #finish(res: ServerResponse): void {
    if (!this.#following) return
    this.#following = false
    this.responseTime = performance.now() - this.#start
    const finished = this.#finished
    if (finished !== undefined) {
      const context = this.#context as C
      this.#context = undefined
      this.route ??= finished.route(context)
      this.remoteAddress ??= finished.address(context)
      const error = this.exception === null ? finished.error?.(context) : undefined
      if (error !== undefined) this.exception = describeError(error)
    }
    // A handler that threw and got no answer out counts as the 500 the client would have seen; a
    // response that closed before it was all sent, with no error, was abandoned by its client.
    // The status noted when the head went out spares two reads of `res`, megamorphic on Express (see the constructor).
    const sent = this.#sentStatus
    this.status =
      this.exception !== null ? (sent ?? (res.headersSent ? res.statusCode : 500)) : res.writableFinished ? (sent ?? res.statusCode) : CLIENT_CLOSED_REQUEST
    // A body written around the prototype's wrappers (before the framework's swap) is still sized,
    // by the Content-Length it was sent with.
    if (!this.#counted && !this.countsOnInstance) this.size = Number(res.getHeader('content-length')) || 0
    if (this.method === 'HEAD' || this.status === 204 || this.status === 304 || this.status < 200) this.size = 0
    if (this.remoteAddress === undefined) {
      this.remoteAddress = this.#peer
      this.forwardedFor = this.#forwarded
    }
    const contentType = res.getHeader('content-type') ?? this.#headContentType
    this.contentType = contentType === undefined ? undefined : String(contentType)
    this.#sink(this)
  }

  /** Counts a chunk on its way out through `res.write` or `res.end`; anything but text and bytes (`res.end(callback)`'s function) adds nothing. */
  count(chunk: unknown, encoding: unknown): void {
    this.#counted = true
    if (typeof chunk === 'string') {
      this.size += Buffer.byteLength(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
    } else if (chunk instanceof Uint8Array) {
      this.size += chunk.byteLength
    }
  }

  /** Notes the head that `res.writeHead(status, reason?, headers?)` has just sent. */
  headSent(status: number, reason: unknown, headers: unknown): void {
    this.#headContentType = contentTypeIn(typeof reason === 'string' ? headers : reason)
    // Node takes the status as `status | 0`, and throws before sending a head it refuses.
    this.#sentStatus = Number(status) | 0
  }

  static write(res: ServerResponse, chunk: unknown, encoding: unknown, callback: unknown): boolean {
    const tracker = (res as Tracked)[TRACKER]
    const write = tracker === undefined ? (Object.getPrototypeOf(res) as ServerResponse).write : tracker.#write
    return countedBody<boolean>(res, tracker, write, chunk, encoding, callback)
  }

  static end(res: ServerResponse, chunk: unknown, encoding: unknown, callback: unknown): ServerResponse {
    const tracker = (res as Tracked)[TRACKER]
    const end = tracker === undefined ? (Object.getPrototypeOf(res) as ServerResponse).end : tracker.#end
    return countedBody<ServerResponse>(res, tracker, end, chunk, encoding, callback)
  }

  static writeHead(res: ServerResponse, status: number, reason: unknown, headers: unknown): ServerResponse {
    const tracker = (res as Tracked)[TRACKER]
    const writeHead = tracker === undefined ? (Object.getPrototypeOf(res) as ServerResponse).writeHead : tracker.#writeHead
    return notedWriteHead(res, tracker, writeHead, status, reason, headers)
  }

  static close(res: ServerResponse): void {
    const tracker = (res as Tracked)[TRACKER]
    if (tracker === undefined) return
    try {
      tracker.#finish(res)
    } catch {
      // Statistics never break the app; a request that cannot be described is not recorded.
    }
  }
}

/**
 * The `Content-Type` among headers given to `res.writeHead`: an object (frameworks spell the name
 * one of two ways; any other casing is looked for), a flat `[name, value, …]` list or a list of pairs.
 * Read there, not from the head Node builds of them: searching that string cost more than the rest
 * of the request's tracking.
 */
function contentTypeIn(headers: unknown): unknown {
  if (typeof headers !== 'object' || headers === null) return undefined
  if (Array.isArray(headers)) {
    const pairs = Array.isArray(headers[0])
    for (let i = 0; i < headers.length; i += pairs ? 1 : 2) {
      const name: unknown = pairs ? headers[i][0] : headers[i]
      if (isContentType(name)) return pairs ? headers[i][1] : headers[i + 1]
    }
    return undefined
  }
  const record = headers as Record<string, unknown>
  const value = record['content-type'] ?? record['Content-Type']
  if (value !== undefined) return value
  for (const name in record) if (isContentType(name)) return record[name]
  return undefined
}

function isContentType(name: unknown): boolean {
  return typeof name === 'string' && name.length === 12 && name.toLowerCase() === 'content-type'
}

// Module-level functions, not per-request closures: the tracker they need hangs off `this`. Fixed
// parameters, not rest arguments: no array per call (Node treats missing and undefined alike).
function countingWrite(this: ServerResponse, chunk: unknown, encoding: unknown, callback: unknown): boolean {
  return ResponseTracker.write(this, chunk, encoding, callback)
}

function countingEnd(this: ServerResponse, chunk: unknown, encoding: unknown, callback: unknown): ServerResponse {
  return ResponseTracker.end(this, chunk, encoding, callback)
}

function notingWriteHead(this: ServerResponse, status: number, reason: unknown, headers: unknown): ServerResponse {
  return ResponseTracker.writeHead(this, status, reason, headers)
}

function onClose(this: ServerResponse): void {
  ResponseTracker.close(this)
}
