import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseUserAgent } from '../../src/record/user-agent.js'

interface UaCase {
  ua: string
  browser_family: string
  browser_major: string | null
  os_family: string
  is_bot: boolean
  category: string
}

const cases = JSON.parse(readFileSync(new URL('../fixtures/ua-cases.json', import.meta.url), 'utf8')) as UaCase[]

// uap-core's names → statgraph's (ua-parser-js names, lower-cased; Linux distributions are `linux`).
const FAMILIES: Record<string, string> = {
  'Chrome Mobile': 'chrome',
  'Chrome Mobile iOS': 'chrome',
  'Firefox Mobile': 'firefox',
  'Firefox iOS': 'firefox',
  'Edge Mobile': 'edge',
  'Opera Mobile': 'opera',
  'Yandex Browser': 'yandex',
  'UC Browser': 'ucbrowser',
  MiuiBrowser: 'miui browser',
  Google: 'gsa',
  'Chrome Mobile WebView': 'chrome webview',
  'Mobile Safari UI/WKWebView': 'webkit',
  Android: 'android browser',
}
const PLATFORMS: Record<string, string> = {
  'Mac OS X': 'macos',
  'Chrome OS': 'chromeos',
  Ubuntu: 'linux',
  Fedora: 'linux',
  'Red Hat': 'linux',
  'Symbian OS': 'symbian',
}

/**
 * Where ua-parser-js 1.x + isbot and uap-core part ways, by index into ua-cases.json. Each was looked
 * at; none is a mainstream browser on its own platform. A change here is a change of behaviour.
 */
const KNOWN_DISAGREEMENTS: Record<number, string> = {
  84: 'Safari 2 on PPC: we read Version-less Safari/419 as safari 2.0, uap-core gives no version',
  142: 'iPhone UA with + for spaces (URL-encoded log line): unparsed, and isbot calls it a bot',
  178: 'Chrome for iOS in iPad desktop mode says Macintosh: we say macos',
  205: 'Edge for iOS in iPad desktop mode says Macintosh: we say macos',
  206: 'Android WebView with Version/4.0: ua-parser-js says android browser 4.0',
  209: 'Android WebView with Version/4.0: ua-parser-js says android browser 4.0',
  210: 'iOS WKWebView: ua-parser-js gives the WebKit engine version',
  211: 'iOS WKWebView: ua-parser-js gives the WebKit engine version',
  212: 'Apple News WKWebView: engine version, and isbot flags the app token',
  213: 'iPod WKWebView: ua-parser-js gives the WebKit engine version',
  221: 'early Brave (2020) without a Brave token in Chrome form: chrome 80.0',
  223: 'Symbian S60: ua-parser-js finds no OS',
  227: 'Android 2.3 stock browser: ua-parser-js gives Version/4.0',
  235: 'IE 8 with chromeframe: isbot flags the chromeframe token',
  241: 'IE 11 in compatibility view says MSIE 7.0: we take the stated 7.0',
  242: 'IE 10 in compatibility view says MSIE 7.0: we take the stated 7.0',
  243: 'IE 9 in compatibility view says MSIE 7.0: we take the stated 7.0',
  291: 'garbage "-": isbot counts it as a bot',
  292: 'garbage "null": isbot counts it as a bot',
  293: 'garbage "undefined": isbot counts it as a bot',
  294: 'bare "Mozilla/5.0": isbot counts it as a bot',
  298: 'garbage: isbot counts it as a bot',
  299: 'garbage: isbot counts it as a bot',
  300: 'garbage: isbot counts it as a bot',
  306: 'a script tag as user agent: isbot counts it as a bot',
  308: 'lower-cased Windows UA: ua-parser-js still finds windows, uap-core does not',
}

function expected(c: UaCase) {
  const family = c.is_bot || c.browser_family === 'Other' ? undefined : (FAMILIES[c.browser_family] ?? c.browser_family.toLowerCase())
  return {
    family,
    major: c.browser_major,
    platform: c.os_family === 'Other' ? null : (PLATFORMS[c.os_family] ?? c.os_family.toLowerCase()),
    bot: c.is_bot,
  }
}

describe('parseUserAgent on 310 real user agents', () => {
  it('has the corpus', () => {
    expect(cases).toHaveLength(310)
  })

  it('agrees with uap-core on browser, major version, platform and bot flag, but for the known cases', () => {
    const disagreements: number[] = []
    cases.forEach((c, index) => {
      // HTTP parsers trim header values, so the app never sees the surrounding whitespace.
      const got = parseUserAgent(c.ua.trim())
      const want = expected(c)
      const family = got.browser?.replace(/ [\d.]+$/, '') ?? null
      const major = /(\d+)(?:\.\d+)?$/.exec(got.browser ?? '')?.[1] ?? null
      const browserOk = want.family === undefined || (family === want.family && major === want.major)
      if (!browserOk || got.platform !== want.platform || got.bot !== want.bot) disagreements.push(index)
    })
    expect(disagreements).toEqual(Object.keys(KNOWN_DISAGREEMENTS).map(Number))
  })

  it('flags every crawler, monitor, HTTP library and headless browser of the corpus as a bot', () => {
    const missed = cases.filter((c) => c.is_bot && !parseUserAgent(c.ua).bot).map((c) => c.ua)
    expect(missed).toEqual([])
    expect(cases.filter((c) => c.is_bot)).toHaveLength(43)
  })

  it('writes browsers as lower-case family and major.minor', () => {
    expect(parseUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:72.0) Gecko/20100101 Firefox/72.0')).toEqual({
      browser: 'firefox 72.0',
      platform: 'windows',
      bot: false,
    })
    expect(
      parseUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'),
    ).toEqual({ browser: 'mobile safari 17.4', platform: 'ios', bot: false })
    expect(parseUserAgent('Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36').platform).toBe(
      'chromeos',
    )
  })

  it('gives nulls, not errors, for an empty or absurd user agent', () => {
    expect(parseUserAgent('')).toEqual({ browser: null, platform: null, bot: false })
    expect(() => parseUserAgent('x'.repeat(100_000))).not.toThrow()
  })
})
