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
  instance: 128,
  version: 128,
} as const

/**
 * `value` cut to at most `max` characters, marked with a trailing `…` when cut; never halfway
 * through a surrogate pair. NUL becomes U+FFFD: PostgreSQL cannot store it in text, and a row it
 * refuses would fail its whole batch.
 */
export function cap(text: string, max: number): string {
  const value = text.includes('\0') ? text.replaceAll('\0', '\uFFFD') : text
  if (value.length <= max) return value
  const end = isHighSurrogate(value.charCodeAt(max - 2)) ? max - 2 : max - 1
  return `${value.slice(0, end)}…`
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff
}
