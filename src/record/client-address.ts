/**
 * Which `X-Forwarded-For` entries to believe: `false` (default) trusts none and uses the socket's
 * peer; `true` trusts the whole chain and takes its first (client-most) entry; a number `n` trusts
 * the `n` proxies closest to the app, as Express's `trust proxy` setting does with a hop count.
 */
export type TrustProxy = boolean | number

/**
 * The client's address: the socket peer, or an `X-Forwarded-For` entry when proxies are trusted.
 * IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) are shown as plain IPv4.
 *
 * @example clientAddress('10.0.0.1', '203.0.113.7, 10.0.0.1', true) // '203.0.113.7'
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | undefined, trustProxy: TrustProxy): string {
  let address = socketAddress ?? ''
  if (trustProxy !== false && forwardedFor) {
    const hops = forwardedFor.split(',')
    // Hop count n: the socket peer is the first trusted proxy, so the client is n - 1 entries from
    // the right end of the header (or its first entry when the chain is shorter).
    const index = trustProxy === true ? 0 : Math.max(0, hops.length - trustProxy)
    const candidate = hops[index]?.trim()
    if (candidate && trustProxy !== 0) address = candidate
  }
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address
}
