import { hostname } from 'node:os'
import { cap, FIELD_CAPS } from './field-caps.js'

/** Which app instance records, and which version of the app it runs. */
export interface AppIdentity {
  instance: string
  version: string | null
}

/**
 * Where a deploy platform or build tells the running app its version, the first set one winning:
 * an explicit commit first, then the platforms' own, then the package's version (set by `npm start`).
 */
export const VERSION_VARIABLES = [
  'STATGRAPH_VERSION',
  'GIT_COMMIT',
  'SOURCE_VERSION',
  'HEROKU_SLUG_COMMIT',
  'VERCEL_GIT_COMMIT_SHA',
  'RENDER_GIT_COMMIT',
  'RAILWAY_GIT_COMMIT_SHA',
  'COMMIT_REF',
  'K_REVISION',
  'CI_COMMIT_SHA',
  'GITHUB_SHA',
  'npm_package_version',
] as const

/**
 * The identity from the `instance` and `version` options, else from the process: the host name (a
 * container's or pod's own) and process id, and the first of {@link VERSION_VARIABLES} set.
 */
export function appIdentity(given: { instance?: string | undefined; version?: string | undefined }, env: NodeJS.ProcessEnv = process.env): AppIdentity {
  const instance = given.instance ?? `${hostname()}:${process.pid}`
  const found = VERSION_VARIABLES.map((name) => env[name]?.trim()).find((value) => value !== undefined && value !== '')
  const version = given.version ?? found
  return { instance: cap(instance, FIELD_CAPS.instance), version: version === undefined ? null : cap(version, FIELD_CAPS.version) }
}
