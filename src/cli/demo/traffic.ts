// Realistic traffic for the demo and the benchmarks: popular and rare pages, real browser user agents, bots, many
// client addresses, some 404s and errors, log-normal response times.
import type { RequestRecord } from '../../record/request-record.js'
import { parseUserAgent } from '../../record/user-agent.js'

export { seededRandom } from './seeded-random.js'

export const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.39 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'curl/8.5.0',
]

const PAGES = ['/', '/about', '/pricing', '/blog', '/blog/hello-world', '/blog/caching-at-scale', '/docs', '/docs/install', '/contact']
const REFERRERS = [null, null, null, 'https://www.google.com/', 'https://news.ycombinator.com/', 'https://duckduckgo.com/', 'https://t.co/abc']

/** A planned request: what the demo's client sends. */
export interface PlannedRequest {
  method: 'GET' | 'POST'
  path: string
  userAgent: string
  referrer: string | null
  clientAddress: string
}

/** Picks with a Zipf-like skew: the first items are much more popular. */
function skewed<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(items.length * random() ** 2.2)] as T
}

/** One request a visitor might make. */
export function planRequest(random: () => number): PlannedRequest {
  const roll = random()
  const path =
    roll < 0.6 ? skewed(PAGES, random)
    : roll < 0.8 ? `/api/users/${1 + Math.floor(random() * 300)}`
    : roll < 0.87 ? `/api/search?q=${Math.floor(random() * 50)}`
    : roll < 0.92 ? '/api/orders'
    : roll < 0.97 ? `/old-page-${Math.floor(random() * 20)}`
    : roll < 0.99 ? '/reports/broken'
    : '/slow'
  return {
    method: path === '/api/orders' ? 'POST' : 'GET',
    path,
    userAgent: skewed(USER_AGENTS, random),
    referrer: skewed(REFERRERS, random),
    // Hundreds of visitors, a few very active ones.
    clientAddress: `198.51.100.${Math.floor(255 * random() ** 1.5)}`,
  }
}

/** Past traffic, `count` records spread over [from, to), as if the app had served it. */
export function pastRecords(count: number, from: number, to: number, random: () => number): RequestRecord[] {
  return Array.from({ length: count }, () => {
    const planned = planRequest(random)
    const status = planned.path.startsWith('/old-page') ? 404 : planned.path === '/reports/broken' ? 500 : planned.method === 'POST' ? 201 : 200
    return {
      date: from + Math.floor(random() * (to - from)),
      // Log-normal around ~20 ms with a long tail.
      response_time: Math.exp(3 + 0.9 * gaussian(random)) * (planned.path === '/slow' ? 20 : 1),
      method: planned.method,
      size: status === 200 ? 400 + Math.floor(random() * 9000) : 150,
      status_code: status,
      path: planned.path.split('?')[0] as string,
      route: routeOf(planned.path.split('?')[0] as string),
      user_agent: planned.userAgent,
      remote_address: planned.clientAddress,
      exception: status === 500 ? 'Error: report generator is out of paper' : null,
      referrer: planned.referrer,
      mimetype: planned.path.startsWith('/api') ? 'application/json' : 'text/html',
      ...parseUserAgent(planned.userAgent),
    }
  })
}

/** The pattern the demo app's router matches for `path`; null for its 404s. */
function routeOf(path: string): string | null {
  if (path.startsWith('/old-page')) return null
  if (path.startsWith('/api/users/')) return '/api/users/:id'
  if (path.startsWith('/blog/')) return '/blog/:slug'
  return path
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
}
