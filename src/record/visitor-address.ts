import type { Hash } from 'node:crypto'
import { StatgraphError } from '../errors/statgraph-error.js'

/**
 * What is stored of the client's address: `store` it as is, `anonymize` it (the last IPv4 octet,
 * the last 80 bits of IPv6 zeroed), or `hash` it with the user agent and a random salt that
 * changes every UTC day and is never stored (Plausible's method): a visitor is counted once a day
 * without the address being kept or recoverable.
 */
export type AddressPolicy = 'store' | 'anonymize' | 'hash'

/** The `remote_address` value for a client under `policy`. */
export function visitorAddress(address: string, userAgent: string, date: number, policy: AddressPolicy): string {
  if (policy === 'store') return address
  if (policy === 'anonymize') return anonymizeAddress(address)
  return hashedVisitor(address, userAgent, date)
}

/** `203.0.113.77` → `203.0.113.0`; `2001:db8:85a3:8d3:1319:8a2e:370:7348` → `2001:db8:85a3::`. */
export function anonymizeAddress(address: string): string {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) return address.replace(/\.\d{1,3}$/, '.0')
  if (!address.includes(':')) return ''
  const groups = expandIpv6(address)
  if (groups === undefined) return ''
  // Keep 48 bits (three groups), zero the last 80.
  return `${groups
    .slice(0, 3)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::`
}

function expandIpv6(address: string): string[] | undefined {
  const [head = '', tail] = address.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  const missing = 8 - left.length - right.length
  if (tail === undefined ? left.length !== 8 : missing < 1) return undefined
  const groups = [...left, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...right]
  return groups.every((group) => /^[0-9a-f]{1,4}$/i.test(group)) ? groups : undefined
}

// One random salt per UTC day, kept in memory only; yesterday's is dropped when a new day starts.
let salt: { day: number; value: string } | undefined

function hashedVisitor(address: string, userAgent: string, date: number): string {
  const day = Math.floor(date / 86_400_000)
  const crypto = nodeCrypto()
  if (salt === undefined || salt.day !== day) salt = { day, value: crypto.randomBytes(16).toString('hex') }
  const hash: Hash = crypto.createHash('sha256')
  return hash.update(`${salt.value}\n${address}\n${userAgent}`).digest('hex').slice(0, 32)
}

function nodeCrypto(): typeof import('node:crypto') {
  const crypto = typeof process === 'undefined' ? undefined : process.getBuiltinModule?.('node:crypto')
  if (crypto === undefined)
    throw new StatgraphError(
      'STATGRAPH_UNSUPPORTED',
      'statgraph: `storeIp: false` needs node:crypto, which this runtime lacks; use `anonymizeIp: true` instead',
    )
  return crypto
}
