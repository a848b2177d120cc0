import type { StatgraphHandle } from '../../../src/core/statgraph.js'
import type { DashboardAuth } from '../../../src/dashboard/dashboard-auth.js'
import type { TrustProxy } from '../../../src/record/client-address.js'
import type { PathPattern } from '../../../src/record/path-matcher.js'

/** How `protect` behaves in a test app: let through, answer 401, or redirect to /login. */
type ProtectMode = 'allow' | 'deny' | 'redirect'

/** What the conformance suite asks of every test app. */
export interface AppOptions {
  database: string
  protect?: ProtectMode
  /** statgraph's built-in dashboard protection. */
  auth?: DashboardAuth
  /** Skip recording requests whose Cookie header contains `disable_stat=True`. */
  disable?: boolean
  /** statgraph's own `trustProxy`, which overrides the framework's. */
  trustProxy?: TrustProxy
  /** The framework's own proxy setting on, trusting one proxy (where it has one: see AppSetup). */
  frameworkProxy?: boolean
  ignore?: PathPattern[]
}

/** A test app listening on 127.0.0.1, with statgraph on `options.database`. */
export interface RunningServer {
  url: string
  stats: StatgraphHandle
  close(): Promise<void>
}

/**
 * One framework's app for the conformance suite. Every app serves the same routes in its own
 * framework's way:
 * - `GET /` → `Hello World!` as `text/html; charset=utf-8`
 * - `POST /items` (JSON) → 201 `{"received": body}`
 * - `GET /boom` → throws `Error: division by zero`; `GET /async-boom` → rejects `TypeError: lookup failed`
 * - `GET /stream` → three chunks of `text/plain`, written over time
 * - `GET /large` → 1 000 000 bytes of `application/octet-stream`
 * - `GET /slow` → `done` as `text/plain` after {@link SLOW_MS}, long after a test's client hung up
 * - `GET /users/:id` → `{"id": …}`
 * - anything else → the framework's own 404
 */
export interface AppSetup {
  name: string
  /** Whether the framework tells the matched route pattern (plain node:http has no routes). */
  knowsRoutes: boolean
  /** Whether the framework has a proxy setting of its own that tells the client address. */
  frameworkProxy: boolean
  start(options: AppOptions): Promise<RunningServer>
}

export const STREAM_CHUNKS = ['first chunk\n', 'second chunk, ünïcode\n', 'last\n']
export const LARGE_SIZE = 1_000_000
export const SLOW_MS = 1500
export const slowly = () => new Promise((resolve) => setTimeout(resolve, SLOW_MS))

export function isDisabledCookie(cookie: string | undefined): boolean {
  return cookie?.includes('disable_stat=True') ?? false
}
