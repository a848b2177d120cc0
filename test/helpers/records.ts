import { seededRandom } from '../../src/cli/demo/seeded-random.js'
import type { RequestFacts, RequestRecord } from '../../src/record/request-record.js'

/** A complete record with plausible values; `overrides` set what a test cares about. */
export function record(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    response_time: 12.5,
    date: Date.UTC(2026, 0, 15, 12),
    method: 'GET',
    size: 100,
    status_code: 200,
    path: '/',
    route: null,
    user_agent: 'Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0',
    remote_address: '203.0.113.1',
    exception: null,
    referrer: null,
    browser: 'firefox 120.0',
    platform: 'linux',
    mimetype: 'text/html',
    bot: false,
    instance: null,
    version: null,
    ...overrides,
  }
}

const INSTANCES = ['web-1', 'web-2', null]

/** `count` varied records spread over `days` UTC days starting at `firstDay` (ms). */
export function generateRecords(count: number, firstDay: number, days: number, seed = 1): RequestRecord[] {
  const random = seededRandom(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T
  const paths = ['/', '/about', '/users/1', '/users/2', '/api/items', '/café', '/search']
  // The route each path matched; /café matched none (a 404 in a real app).
  const routes: Record<string, string | null> = { '/users/1': '/users/:id', '/users/2': '/users/:id', '/café': null }
  const pickPath = () => {
    const path = pick(paths)
    return { path, route: path in routes ? (routes[path] as string | null) : path }
  }
  const statuses = [200, 200, 200, 200, 201, 301, 404, 500, 503]
  const browsers = ['firefox 120.0', 'chrome 131.0', 'safari 17.4', null]
  return Array.from({ length: count }, (_, i) => {
    const status = pick(statuses)
    return record({
      date: firstDay + Math.floor(random() * days * 86_400_000),
      response_time: Math.round(random() * 5000) / 10,
      method: pick(['GET', 'GET', 'POST', 'HEAD']),
      size: Math.floor(random() * 10_000),
      status_code: status,
      ...pickPath(),
      remote_address: `198.51.100.${Math.floor(random() * 40)}`,
      exception: status === 500 ? pick(['Error: division by zero', 'TypeError: x is undefined']) : null,
      referrer: pick([null, 'https://example.com/', 'https://search.example/?q=a']),
      browser: pick(browsers),
      platform: pick(['windows', 'macos', 'linux', null]),
      mimetype: pick(['text/html', 'application/json']),
      bot: random() < 0.1,
      // From the index, not the random sequence, which the tests' other values follow.
      instance: INSTANCES[i % INSTANCES.length] ?? null,
      version: i % 7 === 0 ? null : i < count / 2 ? '1.0.0' : '1.1.0',
    })
  })
}

/** The facts an adapter hands over when a response ends, plausible; `overrides` set what a test cares about. */
export function requestFacts(overrides: Partial<RequestFacts> = {}): RequestFacts {
  return {
    date: 0,
    responseTime: 20,
    method: 'GET',
    url: '/',
    route: '/users/:id',
    status: 200,
    size: 100,
    userAgent: undefined,
    referrer: undefined,
    remoteAddress: undefined,
    forwardedFor: undefined,
    contentType: undefined,
    exception: null,
    ...overrides,
  }
}
