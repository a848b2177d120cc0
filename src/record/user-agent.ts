import { isbot } from 'isbot'
import { UAParser } from 'ua-parser-js'

/** What statgraph keeps of a user agent. */
export interface UserAgentInfo {
  /** Lower-case family and `major.minor`, e.g. `firefox 72.0`; null when unknown. */
  browser: string | null
  /** `windows`, `macos`, `linux`, `ios`, `android`, `chromeos`, …; null when unknown. */
  platform: string | null
  bot: boolean
}

// ua-parser-js names → statgraph's platform names; Linux distributions count as `linux`.
const PLATFORMS: Record<string, string> = {
  'mac os': 'macos',
  'chromium os': 'chromeos',
  'chrome os': 'chromeos',
  ubuntu: 'linux',
  debian: 'linux',
  fedora: 'linux',
  redhat: 'linux',
  'red hat': 'linux',
  centos: 'linux',
  'linux mint': 'linux',
  mint: 'linux',
  arch: 'linux',
  gentoo: 'linux',
  suse: 'linux',
  opensuse: 'linux',
  kubuntu: 'linux',
  xubuntu: 'linux',
  slackware: 'linux',
  mandriva: 'linux',
}

const CACHE_SIZE = 2048
const cache = new Map<string, UserAgentInfo>()

/**
 * Browser, platform and bot flag of a `User-Agent` header, through ua-parser-js 1.x (MIT) and
 * isbot. Real traffic repeats a few hundred user agents, so answers are cached.
 *
 * @example parseUserAgent('Mozilla/5.0 (Windows NT 10.0; rv:72.0) Gecko/20100101 Firefox/72.0')
 * // { browser: 'firefox 72.0', platform: 'windows', bot: false }
 */
export function parseUserAgent(userAgent: string): UserAgentInfo {
  let info = cache.get(userAgent)
  if (info === undefined) {
    info = parse(userAgent)
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string)
    cache.set(userAgent, info)
  }
  return info
}

function parse(userAgent: string): UserAgentInfo {
  if (userAgent === '') return { browser: null, platform: null, bot: false }
  const result = new UAParser(userAgent).getResult()
  const family = result.browser.name?.toLowerCase()
  // `major.minor` only; some agents write odd versions such as `15.6,2`.
  const version = /^\d+(?:\.\d+)?/.exec(result.browser.version ?? '')?.[0]
  const os = result.os.name?.toLowerCase()
  return {
    browser: family ? (version ? `${family} ${version}` : family) : null,
    platform: os ? (PLATFORMS[os] ?? os) : null,
    bot: isbot(userAgent),
  }
}
