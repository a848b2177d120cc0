import { describe, expect, it } from 'vitest'
import { anonymizeAddress, visitorAddress } from '../../src/record/visitor-address.js'
import { EXACT_ROUTING, pathMatcher, routingRules } from '../../src/record/path-matcher.js'

const DAY = 86_400_000
const NOON = Date.UTC(2026, 0, 15, 12)

describe('what is kept of a client address', () => {
  it.each([
    ['203.0.113.77', '203.0.113.0'],
    ['10.0.0.1', '10.0.0.0'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3::'],
    ['2001:0db8:0000::1', '2001:db8:0::'],
    ['::1', '0:0:0::'],
    ['fe80::1%eth0', ''],
    ['not an address', ''],
  ])('anonymizes %s as %s', (address, anonymized) => {
    expect(anonymizeAddress(address)).toBe(anonymized)
  })

  it('hashes address and user agent with a salt of the day: stable within a day, unlinkable across days', () => {
    const a = visitorAddress('203.0.113.7', 'Firefox', NOON, 'hash')
    // Hex digits only: nothing of the address is kept as written.
    expect(a).toMatch(/^[0-9a-f]{32}$/)
    expect(visitorAddress('203.0.113.7', 'Firefox', NOON + 3_600_000, 'hash')).toBe(a)
    expect(visitorAddress('203.0.113.7', 'Chrome', NOON, 'hash')).not.toBe(a)
    expect(visitorAddress('203.0.113.8', 'Firefox', NOON, 'hash')).not.toBe(a)
    expect(visitorAddress('203.0.113.7', 'Firefox', NOON + DAY, 'hash')).not.toBe(a)
    expect(visitorAddress('203.0.113.7', 'Firefox', NOON, 'store')).toBe('203.0.113.7')
  })
})

describe('ignored paths', () => {
  it('match exact paths, prefixes ending in *, and RegExps, never the query string', () => {
    const matcher = pathMatcher(['/health', '/static/*', /\.map$/])
    const ignored = (url: string) => matcher(url, EXACT_ROUTING)
    expect(['/health', '/health?full=1', '/static/app.js', '/static/', '/app.js.map'].map(ignored)).toEqual([true, true, true, true, true])
    expect(['/healthz', '/', '/statics', '/x?y=/health'].map(ignored)).toEqual([false, false, false, false])
    expect(() => pathMatcher(['health'])).toThrow('"ignore" takes paths')
  })

  it('match every form the framework routes alike: percent-encoded always, case and trailing slash where routing ignores them', () => {
    const matcher = pathMatcher(['/health', '/Static/*', /^\/admin\/?$/])
    const exact = (url: string) => matcher(url, routingRules(true, true))
    const loose = (url: string) => matcher(url, routingRules(false, false))
    // Decoded as stored: what the dashboard would show as /health.
    expect(['/h%65alth', '/%68ealth?x=1', '/Static/%61pp.js'].map(exact)).toEqual([true, true, true])
    expect(['/Health', '/health/', '/HEALTH/', '/static/app.js', '/ADMIN'].map(exact)).toEqual([false, false, false, false, false])
    expect(['/Health', '/health/', '/HEALTH/', '/static/app.js', '/ADMIN', '/h%45alth/'].map(loose)).toEqual([true, true, true, true, true, true])
    expect(['/healthy', '/health//', '/statics/x', '/%zz'].map(loose)).toEqual([false, false, false, false])
    expect(matcher('/health/', routingRules(true, false))).toBe(true)
    expect(matcher('/Health', routingRules(true, false))).toBe(false)
  })
})
