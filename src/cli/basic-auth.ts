import { createHash, timingSafeEqual } from 'node:crypto'
import { CliError, EXIT } from './cli-error.js'

/**
 * Checks an `Authorization: Basic …` header against `user:pass` in constant time: both sides are
 * hashed first, so neither the length nor the first differing byte shows in the timing.
 */
export function basicAuthChecker(credentials: string): (header: string | undefined) => boolean {
  if (!/^[^:]+:.+$/.test(credentials)) throw new CliError('--auth must be user:password', EXIT.usage)
  const expected = digest(credentials)
  return (header) => {
    const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '')
    const given = match?.[1] === undefined ? '' : Buffer.from(match[1], 'base64').toString('utf8')
    return timingSafeEqual(digest(given), expected)
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest()
}
