/**
 * Longest value kept per text column, in characters. Headers come from strangers: a 1 MB user
 * agent must not become a 1 MB row. Longer values are cut and end with `…`.
 */
export const FIELD_CAPS = {
  user_agent: 512,
  path: 2048,
  referrer: 2048,
  exception: 4096,
  mimetype: 128,
  method: 32,
  remote_address: 64,
} as const

/** `value` cut to at most `max` characters, marked with a trailing `…` when cut. */
export function cap(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}…`
}
