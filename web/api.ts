// The page's calls to the JSON API, and how their failures read.
import type { Health } from '../src/dashboard/health.js'

const prefix = document.body.dataset.prefix ?? '/statistics'

/** A failed call: `retryable` when trying again may help (the network, the server), not for a refused query. */
export class ApiError extends Error {
  readonly retryable: boolean
  constructor(message: string, retryable: boolean) {
    super(message)
    this.retryable = retryable
  }
}

/**
 * The API's answer at `path` (`stats?start=…`). A plain GET, no extra header: the server preloads a
 * view's calls with the page (`<link rel=preload>`), and the browser hands the preloaded answer over
 * only to a request just like the preload's.
 */
export async function api<T>(path: string): Promise<T> {
  let response: Response
  try {
    response = await fetch(`${prefix}/api/${path}`)
  } catch {
    // The browser's own words ("Failed to fetch", "NetworkError…") say nothing to a reader.
    throw new ApiError('the server could not be reached; check the connection, or whether the app is running', true)
  }
  const answer = (await response.json().catch(() => ({}))) as T & { error?: string }
  if (!response.ok) throw new ApiError(answer.error ?? `the server answered ${response.status}`, response.status >= 500 || response.status === 429)
  return answer
}

/** How recording is doing: the health answer comes with 503 while writes fail, for probes, and is read all the same. */
export async function readHealth(): Promise<Health | null> {
  const response = await fetch(`${prefix}/api/health`).catch(() => undefined)
  if (response === undefined || (response.status !== 200 && response.status !== 503)) return null
  return (await response.json().catch(() => null)) as Health | null
}

export function exportUrl(params: URLSearchParams): string {
  return `${prefix}/api/requests?${params}`
}
