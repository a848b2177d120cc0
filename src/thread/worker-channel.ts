import { type ResourceLimits, Worker } from 'node:worker_threads'
import { StatgraphError, type StatgraphErrorCode } from '../errors/statgraph-error.js'

/** The longest {@link WorkerChannel.close} waits for the worker's last answer. */
const CLOSE_WAIT_MS = 5000

/** What a worker answers to a request: its id, and the error's message if it failed. */
export interface WorkerReply {
  id: number
  error?: string
  /** The error's code, if it was a StatgraphError: it crosses the thread with the message. */
  code?: StatgraphErrorCode
}

/** The reply a worker sends when request `id` failed with `error`. */
export function errorReply(id: number, error: unknown): WorkerReply {
  return { id, error: error instanceof Error ? error.message : String(error), code: error instanceof StatgraphError ? error.code : undefined }
}

/**
 * Requests to a worker thread of statgraph's and their answers, matched by id. The worker starts on
 * first use and is `unref`'d, so it never keeps the process alive (but while an answer is awaited,
 * so that `await stats.close()` at the end of a script completes). A worker that dies fails what it
 * had; the next request starts a new one.
 */
export class WorkerChannel<Request extends { id: number }, Reply extends WorkerReply> {
  readonly #file: URL
  readonly #data: unknown
  readonly #limits: ResourceLimits
  #worker: Worker | undefined
  #nextId = 0
  readonly #pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>()

  /** `file`: the worker module (see `findWorkerFile`); `data` its `workerData`; `limits` its heap's. */
  constructor(file: URL, data: unknown, limits: ResourceLimits = {}) {
    this.#file = file
    this.#data = data
    this.#limits = limits
  }

  /** Sends `message`, which the worker does not answer. */
  post(message: unknown): void {
    this.#started().postMessage(message)
  }

  /** Sends `request` (given an id here) and resolves with the worker's answer, or rejects with its error. */
  request(request: DistributiveOmit<Request, 'id'>): Promise<Reply> {
    const worker = this.#started()
    const id = this.#nextId++
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) worker.ref()
      this.#pending.set(id, { resolve, reject })
      worker.postMessage({ ...request, id })
    })
  }

  /**
   * Sends `last` (if the worker runs) and ends the worker, whatever its answer, and at the latest
   * after {@link CLOSE_WAIT_MS}: a worker stuck in a long read must not hold up the app's shutdown.
   */
  async close(last: DistributiveOmit<Request, 'id'>): Promise<void> {
    const worker = this.#worker
    if (worker === undefined) return
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      const answered = this.request(last)
      // Past the wait, the worker's end fails the request: nobody awaits it then.
      answered.catch(() => undefined)
      await Promise.race([answered, new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))])
    } finally {
      clearTimeout(timer)
      this.#worker = undefined
      await worker.terminate()
    }
  }

  #started(): Worker {
    this.#worker ??= this.#start()
    return this.#worker
  }

  #start(): Worker {
    // None of the app's Node flags: some (--input-type, loaders) would break a plain JavaScript worker.
    const options = { workerData: this.#data, execArgv: [], resourceLimits: this.#limits }
    // Straight from the TypeScript sources (the tests), the worker first registers tsx for itself.
    const worker = this.#file.pathname.endsWith('.ts')
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(this.#file.href)}) })`, { ...options, eval: true })
      : new Worker(this.#file, options)
    worker.unref()
    worker.on('message', (reply: Reply) => {
      const pending = this.#pending.get(reply.id)
      this.#pending.delete(reply.id)
      if (this.#pending.size === 0) worker.unref()
      if (reply.error === undefined) pending?.resolve(reply)
      else pending?.reject(reply.code === undefined ? new Error(reply.error) : new StatgraphError(reply.code, reply.error))
    })
    const fail = (error: Error) => {
      if (this.#worker === worker) this.#worker = undefined
      for (const pending of this.#pending.values()) pending.reject(error)
      this.#pending.clear()
    }
    worker.on('error', fail)
    worker.on('exit', (code) => fail(new StatgraphError('STATGRAPH_WORKER_STOPPED', `statgraph: a worker thread stopped (exit code ${code})`)))
    return worker
  }
}

/** `Omit` applied to each member of a union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
