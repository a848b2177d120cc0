import { StatgraphError } from '../errors/statgraph-error.js'
/**
 * Built-in protection for apps without their own login: HTTP Basic credentials, or a bearer token
 * (`Authorization: Bearer …`, for scripts and uptime checks).
 */
export type DashboardAuth = { username: string; password: string } | { token: string }

/** The `auth` option: its secret may come straight from `process.env`; unset, statgraph refuses to start. */
export type DashboardAuthOption = { username: string; password: string | undefined } | { token: string | undefined }

/**
 * Checks an `Authorization` header against `auth` in constant time: both sides are hashed first and
 * the digests compared without an early exit, so neither the length nor the first differing byte
 * shows in the timing. Credentials are compared as UTF-8 bytes: a header's value arrives as one
 * character per byte, so a token with `€` in it matches the bytes a client sends for it. Web Crypto
 * only, so it runs wherever the dashboard does.
 */
export function authChecker(auth: DashboardAuth): (authorization: string | null) => Promise<boolean> {
  const expected = 'token' in auth ? `Bearer ${auth.token}` : `Basic ${base64(`${auth.username}:${auth.password}`)}`
  const expectedDigest = digest(new TextEncoder().encode(expected))
  return async (authorization) => equalBytes(await digest(headerBytes(normalised(authorization ?? ''))), await expectedDigest)
}

/** A header value's bytes: HTTP gives each byte as one character (a ByteString). */
function headerBytes(value: string): Uint8Array {
  return Uint8Array.from(value, (character) => character.charCodeAt(0) & 0xff)
}

/** The `WWW-Authenticate` challenge for `auth`. */
export function authChallenge(auth: DashboardAuth): string {
  return 'token' in auth ? 'Bearer realm="statistics"' : 'Basic realm="statistics", charset="UTF-8"'
}

// The scheme is case-insensitive: "basic xyz" is "Basic xyz".
function normalised(header: string): string {
  const space = header.indexOf(' ')
  if (space === -1) return header
  const scheme = header.slice(0, space).toLowerCase()
  return `${scheme === 'basic' ? 'Basic' : scheme === 'bearer' ? 'Bearer' : header.slice(0, space)}${header.slice(space)}`
}

function base64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)))
}

async function digest(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] ?? 0)
  return difference === 0
}

/** Checks the `auth` option once, at setup. */
export function resolveAuth(auth: unknown): DashboardAuth | undefined {
  if (auth === undefined) return undefined
  const given = (auth ?? {}) as Record<string, unknown>
  const text = (key: string) => typeof given[key] === 'string' && given[key] !== ''
  // Secrets come from the environment: an unset variable is named as such, not as a wrong shape.
  for (const secret of ['password', 'token']) {
    if (secret in given && !text(secret)) {
      throw new StatgraphError('STATGRAPH_INVALID_OPTION', `statgraph: "auth.${secret}" is unset or empty; set it (is its environment variable set?)`)
    }
  }
  if (text('token') && given.username === undefined) return { token: given.token as string }
  if (text('username') && text('password') && given.token === undefined && !(given.username as string).includes(':')) {
    return { username: given.username as string, password: given.password as string }
  }
  throw new StatgraphError(
    'STATGRAPH_INVALID_OPTION',
    'statgraph: "auth" must be { username, password } (non-empty, no ":" in the username) or { token } (non-empty)',
  )
}
