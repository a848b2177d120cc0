import { createHash } from 'node:crypto'

const known = new Map<string, string>()

/**
 * A fixed-width stand-in for a group's value in a rollup key (values may be 2000 characters,
 * beyond what an index entry takes): 132 bits of SHA-256; `-` for none.
 */
export function keyHash(value: string | null): string {
  if (value === null) return '-'
  let hash = known.get(value)
  if (hash === undefined) {
    // The same few thousand values come back batch after batch: remember them, within a bound.
    if (known.size >= 50_000) known.clear()
    hash = createHash('sha256').update(value).digest('base64url').slice(0, 22)
    known.set(value, hash)
  }
  return hash
}
