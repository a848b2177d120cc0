import { describe, expect, it } from 'vitest'
import { clientAddress } from '../../src/record/client-address.js'

describe('clientAddress', () => {
  it('ignores X-Forwarded-For unless proxies are trusted', () => {
    expect(clientAddress('10.0.0.1', '203.0.113.7', false)).toBe('10.0.0.1')
  })

  it('takes the first entry when the whole chain is trusted', () => {
    expect(clientAddress('10.0.0.1', '203.0.113.7, 10.0.0.2, 10.0.0.3', true)).toBe('203.0.113.7')
  })

  it('counts trusted hops from the right, as Express does', () => {
    // Socket peer 10.0.0.1 is hop 1; with 2 trusted hops the client is the last header entry but one.
    expect(clientAddress('10.0.0.1', '198.51.100.9, 203.0.113.7, 10.0.0.2', 2)).toBe('203.0.113.7')
    expect(clientAddress('10.0.0.1', '203.0.113.7', 1)).toBe('203.0.113.7')
    expect(clientAddress('10.0.0.1', '203.0.113.7', 5)).toBe('203.0.113.7')
    expect(clientAddress('10.0.0.1', '203.0.113.7', 0)).toBe('10.0.0.1')
  })

  it('shows IPv4-mapped IPv6 addresses as IPv4 and keeps real IPv6', () => {
    expect(clientAddress('::ffff:127.0.0.1', undefined, false)).toBe('127.0.0.1')
    expect(clientAddress('2001:db8::1', undefined, false)).toBe('2001:db8::1')
  })

  it('falls back to the socket when the header is empty', () => {
    expect(clientAddress('10.0.0.1', ' , ', true)).toBe('10.0.0.1')
    expect(clientAddress(undefined, undefined, true)).toBe('')
  })
})
