/** Paths not to record: `'/health'` (that path), `'/static/*'` (everything under it), or a RegExp tested on the path. */
export type PathPattern = string | RegExp

/** A test of a request target (path and query) against `patterns`; the query string is ignored. */
export function pathMatcher(patterns: readonly PathPattern[]): (url: string) => boolean {
  const exact = new Set<string>()
  const prefixes: string[] = []
  const expressions: RegExp[] = []
  for (const pattern of patterns) {
    if (pattern instanceof RegExp) expressions.push(pattern)
    else if (typeof pattern === 'string' && pattern.startsWith('/')) {
      if (pattern.endsWith('*')) prefixes.push(pattern.slice(0, -1))
      else exact.add(pattern)
    } else throw new TypeError(`statgraph: "ignore" takes paths such as "/health" or "/static/*" and RegExps, not ${JSON.stringify(pattern)}`)
  }
  return (url) => {
    const query = url.indexOf('?')
    const path = query === -1 ? url : url.slice(0, query)
    return exact.has(path) || prefixes.some((prefix) => path.startsWith(prefix)) || expressions.some((expression) => expression.test(path))
  }
}
