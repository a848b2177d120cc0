/** How statgraph's recording is doing, for `stats.health()` and `GET {prefix}/api/health`. */
export interface Health {
  /** `ok`: the last write succeeded; `failing`: it failed and is being retried with backoff. */
  state: 'ok' | 'failing'
  /** Requests waiting in memory. */
  buffered: number
  written: number
  /** Requests not recorded because the buffer was full while the database failed. */
  dropped: number
  failedWrites: number
  /** The last write error's message; null when no write ever failed. */
  lastError: string | null
}
