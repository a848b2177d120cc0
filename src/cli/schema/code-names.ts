// Names and literals in the code the schema command prints.

/** `response_time` → `responseTime`. */
export function camel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase())
}

/** `request_statgraph_cell` → `RequestStatgraphCell`. */
export function pascal(name: string): string {
  const camelled = camel(name)
  return camelled.charAt(0).toUpperCase() + camelled.slice(1)
}

/** A JavaScript string literal. */
export function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

/** A JavaScript template literal: SQL statements of several lines, as written. */
export function template(text: string): string {
  return `\`${text.replace(/[\\`]|\$\{/g, (special) => `\\${special}`)}\``
}
