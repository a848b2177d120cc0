import { StatgraphError } from '../errors/statgraph-error.js'
import { urlPath } from './to-request-record.js'

/** Paths not to record: `'/health'` (that path), `'/static/*'` (everything under it), or a RegExp tested on the path. */
export type PathPattern = string | RegExp

/** How the framework matches paths to routes, so that `ignore` catches every form it routes alike. */
export interface RoutingRules {
  /** `/Health` is another route than `/health` (Fastify, Hono; Express and Koa's router: not by default). */
  caseSensitive: boolean
  /** `/health/` is another route than `/health` (Fastify, Hono; Express and Koa's router: not by default). */
  strictSlash: boolean
}

const RULES: readonly RoutingRules[] = [
  { caseSensitive: true, strictSlash: true },
  { caseSensitive: true, strictSlash: false },
  { caseSensitive: false, strictSlash: true },
  { caseSensitive: false, strictSlash: false },
]

/** The rules object for these two settings: always the same one, so that what depends on it is worked out once. */
export function routingRules(caseSensitive: boolean, strictSlash: boolean): RoutingRules {
  return RULES[(caseSensitive ? 0 : 2) + (strictSlash ? 0 : 1)] as RoutingRules
}

/** Exact matching: a plain `node:http` handler sees the path as sent. */
export const EXACT_ROUTING = routingRules(true, true)

/**
 * A test of a request target (path and query) against `patterns`, as the framework would route it:
 * on the path as statgraph stores it (`%XX` decoded: `/h%65alth` is `/health`, as Fastify and Hono
 * route it and as the dashboard would show it), in any case where routing ignores case, and with or
 * without a trailing slash where routing does not tell them apart. The query string is ignored.
 */
export function pathMatcher(patterns: readonly PathPattern[]): (url: string, rules: RoutingRules) => boolean {
  const exact: string[] = []
  const prefixes: string[] = []
  const expressions: RegExp[] = []
  for (const pattern of patterns) {
    if (pattern instanceof RegExp) expressions.push(pattern)
    else if (typeof pattern === 'string' && pattern.startsWith('/')) {
      if (pattern.endsWith('*')) prefixes.push(pattern.slice(0, -1))
      else exact.push(pattern)
    } else
      throw new StatgraphError(
        'STATGRAPH_INVALID_OPTION',
        `statgraph: "ignore" takes paths such as "/health" or "/static/*" and RegExps, not ${JSON.stringify(pattern)}`,
      )
  }
  const forms = (rules: RoutingRules) => {
    const fold = (path: string) => withoutSlash(rules.caseSensitive ? path : path.toLowerCase(), rules)
    return { exact: new Set(exact.map(fold)), prefixes: prefixes.map((prefix) => (rules.caseSensitive ? prefix : prefix.toLowerCase())) }
  }
  // The folded patterns per rules object (see routingRules: four at most).
  const folded = new Map<RoutingRules, ReturnType<typeof forms>>()
  return (url, rules) => {
    let patternsFor = folded.get(rules)
    if (patternsFor === undefined) {
      patternsFor = forms(rules)
      folded.set(rules, patternsFor)
    }
    const path = urlPath(url)
    const key = rules.caseSensitive ? path : path.toLowerCase()
    return (
      patternsFor.exact.has(withoutSlash(key, rules)) ||
      patternsFor.prefixes.some((prefix) => key.startsWith(prefix)) ||
      expressions.some((expression) => expression.test(path) || (!rules.caseSensitive && expression.test(key)))
    )
  }
}

/** `path` without one trailing slash (but `/`), where routing does not tell the two apart. */
function withoutSlash(path: string, rules: RoutingRules): string {
  return !rules.strictSlash && path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
}
