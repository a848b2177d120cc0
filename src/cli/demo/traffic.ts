// Realistic traffic for the demo and the benchmarks: popular and rare pages, real browser user agents, bots, many
// client addresses, some 404s and errors, log-normal response times.
import type { RequestRecord } from '../../record/request-record.js'
import { parseUserAgent } from '../../record/user-agent.js'

export { seededRandom } from './seeded-random.js'

const USER_AGENTS = [
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
    roll < 0.6
      ? skewed(PAGES, random)
      : roll < 0.8
        ? `/api/users/${1 + Math.floor(random() * 300)}`
        : roll < 0.87
          ? `/api/search?q=${Math.floor(random() * 50)}`
          : roll < 0.92
            ? '/api/orders'
            : roll < 0.97
              ? `/old-page-${Math.floor(random() * 20)}`
              : roll < 0.99
                ? '/reports/broken'
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

/** ~200 route patterns: 20 resources, each behind the 10 kinds of route a web app has. */
const RESOURCES = [
  'users',
  'orders',
  'products',
  'invoices',
  'carts',
  'reviews',
  'teams',
  'projects',
  'tickets',
  'files',
  'posts',
  'comments',
  'payments',
  'shipments',
  'coupons',
  'reports',
  'alerts',
  'webhooks',
  'sessions',
  'settings',
]
const ROUTE_SHAPES = ['/api/R', '/api/R/:id', '/api/R/:id/history', '/R', '/R/:id', '/R/:id/edit', '/R/new', '/admin/R', '/admin/R/:id', '/export/R.csv']
/** Most popular first: the resources' order mixed with the shapes', so popularity is not one resource. */
const ROUTES = ROUTE_SHAPES.flatMap((shape, s) => RESOURCES.map((resource, r) => ({ rank: r * 1.7 + s, route: shape.replace('R', resource) })))
  .sort((a, b) => a.rank - b.rank)
  .map(({ route }) => route)
const EXCEPTIONS = [
  'Error: connect ECONNREFUSED 10.0.0.7:5432',
  "TypeError: Cannot read properties of undefined (reading 'id')",
  'Error: payment provider timed out',
]

/** Cumulative Zipf weights (1 / rank^s) over `n` ranks, for {@link zipf}. */
function zipfTable(n: number, s: number): Float64Array {
  const table = new Float64Array(n)
  let sum = 0
  for (let rank = 1; rank <= n; rank++) table[rank - 1] = sum += 1 / rank ** s
  return table.map((weight) => weight / sum)
}

/** A rank in [0, n) drawn from a Zipf table: binary search of one uniform draw. */
function zipf(table: Float64Array, random: () => number): number {
  const draw = random()
  let low = 0
  let high = table.length - 1
  while (low < high) {
    const middle = (low + high) >> 1
    if ((table[middle] as number) < draw) low = middle + 1
    else high = middle
  }
  return low
}

const INSTANCES = ['web-1', 'web-2', 'web-3']
const ROUTE_ZIPF = zipfTable(ROUTES.length, 1.1)
const ID_ZIPF = zipfTable(200, 1.2)
const CLIENT_ZIPF = zipfTable(12_000, 1)
const AGENT_ZIPF = zipfTable(USER_AGENTS.length, 1.2)

/**
 * Past traffic, `count` records over [from, to) in date order, `chunk` at a time: ~200 route
 * patterns with Zipf popularity and thousands of distinct paths, a pool of 12 000 client addresses
 * (thousands a day), real browser and bot user agents, a status mix with 404s and a few 500s, and
 * log-normal response times, each route with its own typical time.
 */
export function* pastTraffic(count: number, from: number, to: number, random: () => number, chunk = 10_000): Generator<RequestRecord[]> {
  const agents = USER_AGENTS.map((agent) => ({ agent, ...parseUserAgent(agent) }))
  const step = (to - from) / count
  for (let done = 0; done < count; ) {
    const size = Math.min(chunk, count - done)
    const records: RequestRecord[] = new Array(size)
    for (let i = 0; i < size; i++, done++) {
      const routeRank = zipf(ROUTE_ZIPF, random)
      const route = ROUTES[routeRank] as string
      const path = route.replace(':id', String(1 + zipf(ID_ZIPF, random)))
      const method = route.startsWith('/api/') && random() < 0.2 ? 'POST' : 'GET'
      const roll = random()
      const status = roll < 0.005 ? 500 : roll < 0.04 ? 404 : roll < 0.05 ? 304 : roll < 0.052 ? 429 : method === 'POST' ? 201 : 200
      const agent = agents[zipf(AGENT_ZIPF, random)] as (typeof agents)[number]
      const client = zipf(CLIENT_ZIPF, random)
      records[i] = {
        date: Math.floor(from + (done + random()) * step),
        // Log-normal: each route has its typical time (2–60 ms), with a long tail.
        response_time: Math.exp(0.7 + (routeRank % 17) * 0.2 + 0.8 * gaussian(random)),
        method,
        size: status === 200 ? 300 + Math.floor(random() * 20_000) : status === 304 ? 0 : 150,
        status_code: status,
        path: status === 404 && random() < 0.5 ? `/wp-admin/${Math.floor(random() * 50)}.php` : path,
        route: status === 404 ? null : route,
        user_agent: agent.agent,
        remote_address: `10.${client >> 16}.${(client >> 8) & 255}.${client & 255}`,
        exception: status === 500 ? (EXCEPTIONS[routeRank % EXCEPTIONS.length] as string) : null,
        referrer: skewed(REFERRERS, random),
        browser: agent.browser,
        platform: agent.platform,
        bot: agent.bot,
        mimetype: route.startsWith('/api/') ? 'application/json' : route.endsWith('.csv') ? 'text/csv' : 'text/html',
        // Three instances behind a balancer, and a release every quarter of the span.
        instance: INSTANCES[client % INSTANCES.length] as string,
        version: `1.${Math.floor((4 * done) / count)}.0`,
      }
    }
    yield records
  }
}

/** {@link pastTraffic} in one array. */
export function pastRecords(count: number, from: number, to: number, random: () => number): RequestRecord[] {
  return [...pastTraffic(count, from, to, random)].flat()
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
}
